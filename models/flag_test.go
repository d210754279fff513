package models_test

import (
	"testing"

	"staffmgr/models"
)

func TestParseOnOff(t *testing.T) {
	tests := []struct {
		v      string
		on, ok bool
	}{
		{"on", true, true}, {"ON", true, true}, {"yes", true, true}, {"True", true, true}, {"1", true, true},
		{"off", false, true}, {"No", false, true}, {"false", false, true}, {"0", false, true}, {"", false, true},
		{"maybe", false, false}, {" on", false, false}, {"2", false, false}, {"t", false, false},
	}
	for _, tt := range tests {
		if on, ok := models.ParseOnOff(tt.v); on != tt.on || ok != tt.ok {
			t.Errorf("ParseOnOff(%q) = %v, %v; want %v, %v", tt.v, on, ok, tt.on, tt.ok)
		}
	}
}
