package sqsmock

import (
	"embed"
	"io/fs"
	"net/http"
)

// ui is the live console's page: plain HTML, CSS and JavaScript, no build step, no network.
//
//go:embed ui
var ui embed.FS

// uiHandler serves the console's files under /_sqsmock/ui/.
func uiHandler() http.Handler {
	sub, err := fs.Sub(ui, "ui")
	if err != nil {
		panic(err) // the directory is embedded: it is there
	}
	return http.StripPrefix("/_sqsmock/ui/", http.FileServerFS(sub))
}
