// Package commerce holds wadesk's store rules: money as exact integers,
// ISO 4217 currencies, product records and their CSV import, payment
// partners and the links they build, orders read from customers' order
// messages, and the product and payment-link messages sent from the inbox.
//
// Amounts are int64 counts of thousandths of the currency's main unit
// (Meta's amount_1000): 8.50 USD is 8500. Every ISO 4217 currency has at
// most three decimals, so any price is exact; floats are never used.
package commerce

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// MaxAmount1000 bounds prices and totals (one thousand billion of a
// currency's unit) so that sums of quantities times prices cannot overflow.
const MaxAmount1000 = 1_000_000_000_000 * 1000

// currencyDigits maps each active ISO 4217 currency used for trade to the
// number of decimals of its minor unit. Fund codes, precious metals and
// withdrawn currencies are left out: nobody sells in them.
var currencyDigits = map[string]int{
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "ANG": 2, "AOA": 2, "ARS": 2, "AUD": 2, "AWG": 2, "AZN": 2,
	"BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0, "BMD": 2, "BND": 2, "BOB": 2, "BRL": 2,
	"BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2, "CHF": 2, "CLP": 0, "CNY": 2,
	"COP": 2, "CRC": 2, "CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2,
	"ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2,
	"GNF": 0, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2,
	"IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2, "JOD": 3, "JPY": 0, "KES": 2, "KGS": 2, "KHR": 2, "KMF": 0,
	"KPW": 2, "KRW": 0, "KWD": 3, "KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2,
	"LYD": 3, "MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2,
	"MVR": 2, "MWK": 2, "MXN": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2, "NOK": 2, "NPR": 2,
	"NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2,
	"RON": 2, "RSD": 2, "RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2,
	"SHP": 2, "SLE": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2, "SZL": 2, "THB": 2,
	"TJS": 2, "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2, "TZS": 2, "UAH": 2, "UGX": 0,
	"USD": 2, "UYU": 2, "UZS": 2, "VED": 2, "VES": 2, "VND": 0, "VUV": 0, "WST": 2, "XAF": 0, "XCD": 2,
	"XCG": 2, "XOF": 0, "XPF": 0, "YER": 2, "ZAR": 2, "ZMW": 2, "ZWG": 2,
}

// IsCurrency reports whether code is an ISO 4217 currency wadesk accepts
// (upper case, e.g. "USD").
func IsCurrency(code string) bool {
	_, ok := currencyDigits[code]
	return ok
}

// Digits is the number of decimals of the currency's minor unit (2 for USD,
// 0 for JPY, 3 for KWD); 2 for an unknown code.
func Digits(code string) int {
	if d, ok := currencyDigits[code]; ok {
		return d
	}
	return 2
}

// NormalizeCurrency upper-cases and trims a currency code.
func NormalizeCurrency(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// CheckCurrency returns a plain-words problem with a currency code, or "".
func CheckCurrency(code string) string {
	switch {
	case code == "":
		return "Enter a currency code, like USD or EUR."
	case !IsCurrency(code):
		return fmt.Sprintf("%q is not an ISO 4217 currency code. Use three letters, like USD, EUR, BRL or INR.", code)
	}
	return ""
}

// ErrAmount is wrapped by every ParseAmount error.
var ErrAmount = errors.New("not a valid amount")

// ParseAmount reads a price typed by a person in the currency's main unit,
// "8.50" or "1200", with a dot for decimals and no more decimals than the
// currency has. Signs, thousands separators and exponents are refused.
func ParseAmount(s, currency string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%w: the amount is empty", ErrAmount)
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (hasDot && (frac == "" || !allDigits(frac))) {
		if strings.Contains(s, ",") {
			return 0, fmt.Errorf("%w: write the amount with a dot for decimals and no thousands separator, like 1250.50", ErrAmount)
		}
		return 0, fmt.Errorf("%w: %q is not a number like 8.50", ErrAmount, s)
	}
	digits := Digits(currency)
	if len(frac) > digits {
		if digits == 0 {
			return 0, fmt.Errorf("%w: %s amounts have no decimals", ErrAmount, currency)
		}
		return 0, fmt.Errorf("%w: %s amounts have at most %d decimals", ErrAmount, currency, digits)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 13 {
		return 0, fmt.Errorf("%w: the amount is too large", ErrAmount)
	}
	n := int64(0)
	if whole != "" {
		v, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: the amount is too large", ErrAmount)
		}
		n = v
	}
	frac += strings.Repeat("0", 3-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	a := n*1000 + f
	if a > MaxAmount1000 {
		return 0, fmt.Errorf("%w: the amount is too large", ErrAmount)
	}
	return a, nil
}

// ParseDecimal1000 reads a decimal number as a provider sends it (JSON
// "8.5", "8.50", "1e2") exactly, rounding to the nearest thousandth (half
// away from zero). Negative amounts are refused.
func ParseDecimal1000(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Trim(s, "0123456789.eE+-") != "" {
		return 0, fmt.Errorf("%w: %q is not a number", ErrAmount, s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, fmt.Errorf("%w: %q is not a number", ErrAmount, s)
	}
	if r.Sign() < 0 {
		return 0, fmt.Errorf("%w: %q is negative", ErrAmount, s)
	}
	r.Mul(r, big.NewRat(1000, 1))
	// Round half up (the value is not negative).
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() || q.Int64() > MaxAmount1000 {
		return 0, fmt.Errorf("%w: %q is too large", ErrAmount, s)
	}
	return q.Int64(), nil
}

// Decimal writes an amount with the currency's decimals and a dot, as
// payment links want it: "8.50", "1200" (JPY), "1.250" (KWD). Thousandths
// a currency does not have are rounded half up.
func Decimal(amount1000 int64, currency string) string {
	neg := amount1000 < 0
	if neg {
		amount1000 = -amount1000
	}
	digits := Digits(currency)
	scale := int64(1)
	for range 3 - digits {
		scale *= 10
	}
	units := (amount1000 + scale/2) / scale // in the minor unit
	s := strconv.FormatInt(units, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Format writes an amount for people: "USD 8.50".
func Format(amount1000 int64, currency string) string {
	if currency == "" {
		return Decimal(amount1000, currency)
	}
	return currency + " " + Decimal(amount1000, currency)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
