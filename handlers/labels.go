package handlers

import (
	"staffmgr/handlers/form"
	"staffmgr/handlers/lang"
	"staffmgr/handlers/render"
)

// labelled says the options of a form's selects in the request's language, where
// the form declares them: a declared option's label is a text of the code, while
// options listed from data (departments, staff) are names and stay as they are.
func labelled(c *Ctx, def *form.Def, res render.Result, err error) (render.Result, error) {
	if err != nil || res == nil || def == nil || c.Lang == lang.English || !lang.Known(c.Lang) {
		return res, err
	}
	for _, n := range res.Nodes() {
		if n.Name != "slist" {
			continue
		}
		f := def.Field(n.Attr("name"))
		if f == nil || f.Choices == nil {
			continue
		}
		for _, v := range n.Children {
			for _, o := range f.Choices {
				if v.Name == "val" && o.Key == v.Attr("key") && o.Label == v.Text {
					v.Text = c.Lang.T(o.Label)
				}
			}
		}
	}
	return res, nil
}
