package api

import (
	_ "embed"
	"net/http"
)

// openAPI describes every operation; TestOpenAPIDescribesEveryRoute
// keeps it true.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}
