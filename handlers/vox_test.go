package handlers

import (
	"testing"
)

func TestVoxSmoke(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		app := e.voxApp(root, "callcenter")
		key := e.voxKey(root, "admin", "root")
		id := e.voxAddUser(key, app, "anna", "")
		r := e.vox(key, "GetUsers", "application_id="+app+"&with_queues=true&with_skills=1").ok()
		t.Logf("%s %s", id, r.body)
		creds := e.voxServiceKey(root, "supervisor", "root")
		e.vox(creds, "GetUsers", "application_name=call").ok()
		e.vox(creds, "AddUser", "application_name=call").fails(voxForbidden, "supervisor")
	})
}
