package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// heldAnswer keeps a handler's answer so that handleFull can put its data
// in another envelope before it is sent.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newHeldAnswer() *heldAnswer { return &heldAnswer{header: http.Header{}} }

func (a *heldAnswer) Header() http.Header { return a.header }

func (a *heldAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *heldAnswer) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(p)
}

// dataPrefix and dataSuffix surround the data of every answer dataHandler
// writes.
const dataPrefix, dataSuffix = `{"data":`, "}\n"

// data returns the JSON of the "data" of a successful JSON answer; ok is
// false for anything else, which is then sent as it is. An answer of
// dataHandler's is cut out of its envelope as it is; any other is
// decoded.
func (a *heldAnswer) data() (data []byte, ok bool) {
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		return nil, false
	}
	b := a.body.Bytes()
	if bytes.HasPrefix(b, []byte(dataPrefix)) && bytes.HasSuffix(b, []byte(dataSuffix)) {
		return b[len(dataPrefix) : len(b)-len(dataSuffix)], true
	}
	var env struct {
		Data *json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil || env.Data == nil {
		return nil, false
	}
	return *env.Data, true
}

// copyHeader sets the held answer's header fields on w, for an answer
// rewritten from it.
func (a *heldAnswer) copyHeader(w http.ResponseWriter) {
	for k, v := range a.header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
}

// sendTo sends the held answer unchanged.
func (a *heldAnswer) sendTo(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body.Bytes()) // the client is gone; nothing to do
}
