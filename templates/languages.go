package templates

import "sort"

// Language is a language WhatsApp accepts for message templates.
type Language struct {
	Code string
	Name string
}

// languages is WhatsApp's list of template languages (Meta's "Supported
// languages" reference).
var languages = []Language{
	{"af", "Afrikaans"}, {"sq", "Albanian"}, {"ar", "Arabic"}, {"az", "Azerbaijani"},
	{"bn", "Bengali"}, {"bg", "Bulgarian"}, {"ca", "Catalan"},
	{"zh_CN", "Chinese (China)"}, {"zh_HK", "Chinese (Hong Kong)"}, {"zh_TW", "Chinese (Taiwan)"},
	{"hr", "Croatian"}, {"cs", "Czech"}, {"da", "Danish"}, {"nl", "Dutch"},
	{"en", "English"}, {"en_GB", "English (UK)"}, {"en_US", "English (US)"},
	{"et", "Estonian"}, {"fil", "Filipino"}, {"fi", "Finnish"}, {"fr", "French"},
	{"ka", "Georgian"}, {"de", "German"}, {"el", "Greek"}, {"gu", "Gujarati"},
	{"ha", "Hausa"}, {"he", "Hebrew"}, {"hi", "Hindi"}, {"hu", "Hungarian"},
	{"id", "Indonesian"}, {"ga", "Irish"}, {"it", "Italian"}, {"ja", "Japanese"},
	{"kn", "Kannada"}, {"kk", "Kazakh"}, {"rw_RW", "Kinyarwanda"}, {"ko", "Korean"},
	{"ky_KG", "Kyrgyz"}, {"lo", "Lao"}, {"lv", "Latvian"}, {"lt", "Lithuanian"},
	{"mk", "Macedonian"}, {"ms", "Malay"}, {"ml", "Malayalam"}, {"mr", "Marathi"},
	{"nb", "Norwegian"}, {"fa", "Persian"}, {"pl", "Polish"},
	{"pt_BR", "Portuguese (Brazil)"}, {"pt_PT", "Portuguese (Portugal)"},
	{"pa", "Punjabi"}, {"ro", "Romanian"}, {"ru", "Russian"}, {"sr", "Serbian"},
	{"sk", "Slovak"}, {"sl", "Slovenian"},
	{"es", "Spanish"}, {"es_AR", "Spanish (Argentina)"}, {"es_ES", "Spanish (Spain)"}, {"es_MX", "Spanish (Mexico)"},
	{"sw", "Swahili"}, {"sv", "Swedish"}, {"ta", "Tamil"}, {"te", "Telugu"},
	{"th", "Thai"}, {"tr", "Turkish"}, {"uk", "Ukrainian"}, {"ur", "Urdu"},
	{"uz", "Uzbek"}, {"vi", "Vietnamese"}, {"zu", "Zulu"},
}

var languageNames = func() map[string]string {
	m := make(map[string]string, len(languages))
	for _, l := range languages {
		m[l.Code] = l.Name
	}
	return m
}()

// Languages returns the template languages sorted by name.
func Languages() []Language {
	out := append([]Language(nil), languages...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// KnownLanguage reports whether WhatsApp accepts code as a template language.
func KnownLanguage(code string) bool {
	_, ok := languageNames[code]
	return ok
}

// LanguageName names a language code, or returns the code itself when it
// is not in WhatsApp's list.
func LanguageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	return code
}
