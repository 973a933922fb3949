package handlers_test

import (
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi"
	"github.com/wadesk/wadesk/providers/dialog360"
	"github.com/wadesk/wadesk/providers/partner"
)

// testRegistry holds the providers the program registers, talking to
// graphURL (a simulator, or an address nothing listens on).
func testRegistry(graphURL string) *providers.Registry {
	return providers.NewRegistry().MustRegister(
		cloudapi.Provider(cloudapi.ProviderConfig{BaseURL: graphURL}),
		dialog360.Provider(dialog360.ProviderConfig{BaseURL: graphURL}),
		partner.Provider(nil),
	)
}
