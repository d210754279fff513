package handlers

import (
	"fmt"
	"testing"

	"staffmgr/models"
	"staffmgr/rights"
)

// TestEmployeeTelephony: the settings the Data API reads are editable in the form API.
func TestEmployeeTelephony(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		ann := MustCreateEmployee(t, e.db, "ann", rights.Admin)
		coach := MustCreateEmployee(t, e.db, "coach", rights.Admin)
		schedule := e.record(models.Schedules, "Nights")
		site := e.record(models.Sites, "example.com")
		elid := fmt.Sprint(ann.ID)

		f := e.get("func=employee.telephony&elid=" + elid + "&auth=" + root).ok()
		if f.text("status") != "available" || f.text("allowed_in_call_types") != "internal,external" || f.text("call_recording") != "all" ||
			f.text("operator") != "off" || f.text("operator_chat_enabled") != "on" {
			t.Errorf("the defaults: %s", f.body)
		}
		e.get(fmt.Sprintf("func=employee.telephony&elid=%s&status=break&allowed_in_call_types=external,%%20internal&allowed_out_call_types="+
			"&call_recording=out&schedule=%d&coach=%d&coach_always_enabled=on&extension=77&extension_queue_enabled=on"+
			"&operator=on&operator_display_name=Ann&operator_sites=%d&sok=ok&auth=%s", elid, schedule, coach.ID, site, root)).ok()
		got := e.employee(token, ann.ID)
		if got["status"] != "break" || fmt.Sprint(got["allowed_in_call_types"]) != "[internal external]" ||
			fmt.Sprint(got["allowed_out_call_types"]) != "[]" || got["call_recording"] != "out" || got["schedule_name"] != "Nights" ||
			got["coach"].(map[string]any)["coach_id"] != float64(coach.ID) ||
			fmt.Sprint(got["extension"]) != "map[extension_phone_number:77 extension_queue_enabled:true extension_voice_mail_enabled:false]" ||
			got["operator"].(map[string]any)["operator_display_name"] != "Ann" {
			t.Errorf("through the Data API: %v", got)
		}
		// Left out keeps; empty clears.
		e.get("func=employee.telephony&elid=" + elid + "&extension_voice_mail_enabled=on&sok=ok&auth=" + root).ok()
		if ext := e.employee(token, ann.ID)["extension"].(map[string]any); ext["extension_phone_number"] != "77" || ext["extension_voice_mail_enabled"] != true {
			t.Errorf("extension: %v", ext)
		}
		e.get("func=employee.telephony&elid=" + elid + "&extension=&coach=&schedule=&sok=ok&auth=" + root).ok()
		if got := e.employee(token, ann.ID); len(got["extension"].(map[string]any)) != 0 || len(got["coach"].(map[string]any)) != 0 || got["schedule_id"] != nil {
			t.Errorf("after clearing: %v", got)
		}

		e.get(fmt.Sprintf("func=employee.telephony&elid=%d&extension=88&sok=ok&auth=%s", coach.ID, root)).ok()
		before := uisDigest(t, e)
		for query, object := range map[string]string{
			"status=asleep":                "status",
			"allowed_in_call_types=mobile": "allowed_in_call_types",
			"call_recording=some":          "call_recording",
			"schedule=999":                 "schedule",
			"coach=" + elid:                "coach",
			"extension=123456":             "extension",
			"operator_sites=999":           "operator_sites",
			"operator_display_name=a%0Ab":  "operator_display_name",
		} {
			e.get("func=employee.telephony&elid="+elid+"&"+query+"&sok=ok&auth="+root).fails("value", object)
		}
		e.get("func=employee.telephony&elid="+elid+"&extension=88&sok=ok&auth="+root).fails("exists", "extension")
		e.get("func=employee.telephony&elid=999&status=break&sok=ok&auth="+root).fails("missed", "elid")
		if uisDigest(t, e) != before {
			t.Error("refused changes changed the database")
		}
	})
}

// TestEmployeePhones: an employee's numbers in the form API, the same list the Data
// API answers.
func TestEmployeePhones(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		ann := MustCreateEmployee(t, e.db, "ann", rights.Admin)
		plid := fmt.Sprint(ann.ID)
		e.get("func=employee.phone.edit&plid=" + plid + "&number=111&sok=ok&auth=" + root).ok()
		e.get("func=employee.phone.edit&plid=" + plid + "&number=222&dial_time=20&status=inactive&sok=ok&auth=" + root).ok()
		e.get("func=employee.phone.edit&plid=" + plid + "&number=333&position=1&sok=ok&auth=" + root).ok()
		rows := e.get("func=employee.phone&plid=" + plid + "&auth=" + root).rows()
		if len(rows) != 3 || rows[0]["number"] != "333" || rows[0]["position"] != "1" || rows[1]["role"] != "phone" ||
			rows[2]["role"] != "mobile" || rows[2]["dial_time"] != "20" || rows[2]["status"] != "inactive" {
			t.Fatalf("the list: %v", rows)
		}
		// The card's phone and mobile are the numbers of the roles.
		if card := e.get("func=employee&filter=on&name=ann&auth=" + root).rows()[0]; card["phone"] != "111" || card["mobile"] != "222" {
			t.Errorf("card: %v", card)
		}
		var numbers []string
		for _, n := range e.employee(token, ann.ID)["phone_numbers"].([]any) {
			numbers = append(numbers, n.(map[string]any)["phone_number"].(string))
		}
		if fmt.Sprint(numbers) != "[333 111 222]" {
			t.Errorf("through the Data API: %v", numbers)
		}

		// Change one, move it, take one away.
		e.get("func=employee.phone.edit&plid=" + plid + "&elid=" + rows[2]["id"] + "&channels_count=3&position=1&sok=ok&auth=" + root).ok()
		e.get("func=employee.phone.delete&plid=" + plid + "&elid=" + rows[1]["id"] + "&sok=ok&auth=" + root).ok()
		rows = e.get("func=employee.phone&plid=" + plid + "&auth=" + root).rows()
		if len(rows) != 2 || rows[0]["number"] != "222" || rows[0]["channels_count"] != "3" || rows[0]["role"] != "mobile" || rows[1]["role"] != "phone" {
			t.Errorf("after the changes: %v", rows)
		}
		if card := e.get("func=employee&filter=on&name=ann&auth=" + root).rows()[0]; card["phone"] != "333" || card["mobile"] != "222" {
			t.Errorf("card after the phone left: %v", card)
		}

		before := uisDigest(t, e)
		e.get("func=employee.phone.edit&plid="+plid+"&number=12-34&sok=ok&auth="+root).fails("value", "number")
		e.get("func=employee.phone.edit&plid="+plid+"&number=333&sok=ok&auth="+root).fails("exists", "number")
		e.get("func=employee.phone.edit&plid="+plid+"&sok=ok&auth="+root).fails("value", "number")
		e.get("func=employee.phone.edit&plid="+plid+"&number=444&dial_time=0&sok=ok&auth="+root).fails("value", "dial_time")
		e.get("func=employee.phone.edit&plid="+plid+"&elid=999&number=444&sok=ok&auth="+root).fails("missed", "elid")
		e.get("func=employee.phone.edit&plid=999&number=444&sok=ok&auth="+root).fails("missed", "plid")
		e.get("func=employee.phone.delete&plid="+plid+"&elid=999&sok=ok&auth="+root).fails("missed", "elid")
		if uisDigest(t, e) != before {
			t.Error("refused changes changed the database")
		}
		for i := 3; i <= 10; i++ {
			e.get(fmt.Sprintf("func=employee.phone.edit&plid=%s&number=90%d&sok=ok&auth=%s", plid, i, root)).ok()
		}
		e.get("func=employee.phone.edit&plid="+plid+"&number=999&sok=ok&auth="+root).fails("limit", "number")
	})
}

func TestDepartmentTelephony(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		root := e.login("root")
		_, token := e.newToken(root, "")
		e.get("func=department.telephony&elid=1&group_phone_number=600&queue_enabled=on&channels_count=7&sok=ok&auth=" + root).ok()
		g := e.group(token, 1)
		if g["group_phone_number"] != float64(600) || g["queue_enabled"] != true || g["channels_count"] != float64(7) {
			t.Errorf("group: %v", g)
		}
		if f := e.get("func=department.telephony&elid=1&auth=" + root).ok(); f.text("group_phone_number") != "600" || f.text("channels_count") != "7" {
			t.Errorf("form: %s", f.body)
		}
		before := uisDigest(t, e)
		e.get("func=department.telephony&elid=2&group_phone_number=600&sok=ok&auth="+root).fails("exists", "group_phone_number")
		e.get("func=department.telephony&elid=2&group_phone_number=060&sok=ok&auth="+root).fails("value", "group_phone_number")
		e.get("func=department.telephony&elid=2&channels_count=200&sok=ok&auth="+root).fails("value", "channels_count")
		e.get("func=department.telephony&elid=9&queue_enabled=on&sok=ok&auth="+root).fails("missed", "elid")
		if uisDigest(t, e) != before {
			t.Error("refused changes changed the database")
		}
		e.get("func=department.telephony&elid=1&group_phone_number=&sok=ok&auth=" + root).ok()
		if g := e.group(token, 1); g["group_phone_number"] != nil || g["channels_count"] != float64(7) {
			t.Errorf("after clearing the number: %v", g)
		}
	})
}
