package domain

import (
	"fmt"
	"math"
	"strings"
)

// unit is a known unit: its dimension and its factor to the dimension's base unit.
type unit struct {
	dim    string // mass (kg), volume (l), count
	factor float64
}

var units = map[string]unit{
	"kg": {"mass", 1}, "g": {"mass", 0.001}, "t": {"mass", 1000}, "jin": {"mass", 0.5}, // 斤
	"l": {"volume", 1}, "ml": {"volume", 0.001},
	"piece": {"count", 1}, "bag": {"count", 1}, "box": {"count", 1}, "case": {"count", 1}, "pallet": {"count", 1},
}

// UNECE Recommendation 20 codes used by EPCIS quantity lists.
var uneceUnits = map[string]string{
	"KGM": "kg", "GRM": "g", "TNE": "t", "LTR": "l", "MLT": "ml", "H87": "piece", "EA": "piece", "C62": "piece",
	"BG": "bag", "BX": "box", "CS": "case", "PF": "pallet",
}

// Units lists the accepted unit names.
func Units() []string {
	return []string{"kg", "g", "t", "jin", "l", "ml", "piece", "bag", "box", "case", "pallet"}
}

// UnitFromUNECE maps an EPCIS uom code to an agritrace unit; an agritrace unit passes through.
func UnitFromUNECE(code string) (string, bool) {
	if u, ok := uneceUnits[strings.ToUpper(code)]; ok {
		return u, true
	}
	if _, ok := units[strings.ToLower(code)]; ok {
		return strings.ToLower(code), true
	}
	return "", false
}

// ValidUnit reports whether u is a known unit.
func ValidUnit(u string) bool { _, ok := units[u]; return ok }

// Base converts q to its dimension's base unit. Counted units convert to mass or volume only when
// NetContent declares what one unit holds; otherwise they stay a count of that unit.
func Base(q Quantity) (float64, string, error) {
	u, ok := units[q.Unit]
	if !ok {
		return 0, "", fmt.Errorf("unknown unit %q (known: %s)", q.Unit, strings.Join(Units(), ", "))
	}
	if u.dim == "count" {
		if q.NetContent != nil {
			v, dim, err := Base(*q.NetContent)
			if err != nil {
				return 0, "", fmt.Errorf("net content: %w", err)
			}
			if strings.HasPrefix(dim, "count") {
				return 0, "", fmt.Errorf("net content of a %s must be a mass or volume", q.Unit)
			}
			return q.Value * v, dim, nil
		}
		return q.Value, "count:" + q.Unit, nil
	}
	return q.Value * u.factor, u.dim, nil
}

// ValidQuantity checks a quantity: finite, positive, not absurdly large, known unit.
func ValidQuantity(q Quantity, pointer string) error {
	switch {
	case math.IsNaN(q.Value) || math.IsInf(q.Value, 0):
		return Invalid(pointer+"/value", "quantity must be a finite number")
	case q.Value <= 0:
		return Invalid(pointer+"/value", "quantity must be positive, got %v", q.Value)
	case q.Value > 1e9:
		return Invalid(pointer+"/value", "quantity %v exceeds 1e9 %s; is the unit right?", q.Value, q.Unit)
	case !ValidUnit(q.Unit):
		return Invalid(pointer+"/unit", "unknown unit %q (known: %s)", q.Unit, strings.Join(Units(), ", "))
	}
	if q.NetContent != nil {
		if err := ValidQuantity(*q.NetContent, pointer+"/netContent"); err != nil {
			return err
		}
		if _, _, err := Base(q); err != nil {
			return Invalid(pointer+"/netContent", "%v", err)
		}
	}
	return nil
}

// toUNECE is the Rec 20 code each unit exports with; 斤 has none and exports as kilograms.
var toUNECE = map[string]struct {
	code   string
	factor float64
}{
	"kg": {"KGM", 1}, "g": {"GRM", 1}, "t": {"TNE", 1}, "jin": {"KGM", 0.5}, "l": {"LTR", 1}, "ml": {"MLT", 1},
	"piece": {"H87", 1}, "bag": {"BG", 1}, "box": {"BX", 1}, "case": {"CS", 1}, "pallet": {"PF", 1},
}

// UNECE renders q as an EPCIS quantity: a UN/ECE Recommendation 20 unit code and the value in it.
func UNECE(q Quantity) (float64, string) {
	u, ok := toUNECE[q.Unit]
	if !ok {
		return q.Value, "H87"
	}
	return q.Value * u.factor, u.code
}
