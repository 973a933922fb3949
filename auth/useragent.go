package auth

import "strings"

// DescribeUserAgent names the browser and operating system of a User-Agent
// header in the words people know ("Firefox", "Windows"), for the list of
// signed-in sessions. Unknown parts are "Unknown browser"/"unknown system".
func DescribeUserAgent(ua string) (browser, os string) {
	browser, os = UnknownBrowser, UnknownSystem
	for _, b := range []struct{ token, name string }{
		// Order matters: Edge and Opera also say Chrome; Chrome also says Safari.
		{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
		{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
		{"FxiOS/", "Firefox"}, {"Firefox/", "Firefox"},
		{"CriOS/", "Chrome"}, {"HeadlessChrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{
		// iPhones also say "like Mac OS X"; Android also says Linux.
		{"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			os = o.name
			break
		}
	}
	return browser, os
}

// What DescribeUserAgent says of parts it does not recognise (pages and
// mails show their own words for these).
const (
	UnknownBrowser = "Unknown browser"
	UnknownSystem  = "unknown system"
)
