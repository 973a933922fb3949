package simulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var versionRe = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

func isVersionPath(path string) bool {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return versionRe.MatchString(seg)
}

// graphError is an error in Meta's envelope.
type graphError struct {
	status    int
	message   string
	typ       string
	code      int
	subcode   int
	userTitle string
	userMsg   string
	details   string // error_data.details
	transient bool
}

type errorEnvelope struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Message        string     `json:"message"`
	Type           string     `json:"type"`
	Code           int        `json:"code"`
	ErrorSubcode   int        `json:"error_subcode,omitempty"`
	IsTransient    *bool      `json:"is_transient,omitempty"`
	ErrorUserTitle string     `json:"error_user_title,omitempty"`
	ErrorUserMsg   string     `json:"error_user_msg,omitempty"`
	ErrorData      *errorData `json:"error_data,omitempty"`
	FBTraceID      string     `json:"fbtrace_id"`
}

type errorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

// invalidParam is Meta's generic (#100) Invalid parameter error.
func invalidParam(details string) *graphError {
	return &graphError{status: 400, message: "(#100) Invalid parameter", typ: "OAuthException", code: 100, details: details}
}

// paramError is Meta's "(#100) <something about a parameter>" error.
func paramError(msg string) *graphError {
	return &graphError{status: 400, message: "(#100) " + msg, typ: "OAuthException", code: 100}
}

func unsupportedRequest(method, id string) *graphError {
	return &graphError{
		status:  400,
		message: fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", strings.ToLower(method), id),
		typ:     "GraphMethodException",
		code:    100,
		subcode: 33,
	}
}

func nonexistingField(field, nodeType string) *graphError {
	return &graphError{status: 400, message: fmt.Sprintf("(#100) Tried accessing nonexisting field (%s) on node type (%s)", field, nodeType), typ: "OAuthException", code: 100}
}

// gctx is one Graph API request.
type gctx struct {
	w       http.ResponseWriter
	r       *http.Request
	version string
	id      string
	edge    string
	query   url.Values
	form    url.Values
	jsonObj map[string]json.RawMessage
	body    []byte
	files   map[string]uploadedFile
}

type uploadedFile struct {
	filename string
	mimeType string
	data     []byte
}

// maxGraphBody bounds request bodies (media uploads up to 100 MB like Meta's
// document limit).
const maxGraphBody = 101 << 20

func (s *Sim) serveGraph(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	g := &gctx{w: w, r: r, version: parts[0], query: r.URL.Query(), form: url.Values{}}
	w.Header().Set("facebook-api-version", g.version)
	w.Header().Set("x-fb-trace-id", s.traceID())
	if len(parts) > 1 {
		g.id = parts[1]
	}
	if len(parts) > 2 {
		g.edge = parts[2]
	}
	if len(parts) > 3 || g.id == "" {
		s.writeError(g, &graphError{status: 400, message: "Unknown path components: /" + strings.Join(parts[1:], "/"), typ: "OAuthException", code: 2500})
		return
	}
	if strings.HasPrefix(g.id, "upload:") && g.edge == "" {
		// Upload sessions take raw file bytes, not a JSON or form body.
		if err := s.authorize(g); err != nil {
			s.writeError(g, err)
			return
		}
		if err := s.serveUploadSession(g); err != nil {
			s.writeError(g, err)
		}
		return
	}
	if err := g.readBody(); err != nil {
		s.writeError(g, err)
		return
	}
	if err := s.authorize(g); err != nil {
		s.writeError(g, err)
		return
	}
	if err := s.route(g); err != nil {
		s.writeError(g, err)
	}
}

func (g *gctx) readBody() *graphError {
	r := g.r
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return invalidParam("The request body could not be parsed as multipart/form-data.")
		}
		g.files = map[string]uploadedFile{}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return invalidParam("The request body could not be parsed as multipart/form-data.")
			}
			data, err := io.ReadAll(io.LimitReader(part, maxGraphBody))
			if err != nil {
				return invalidParam("The request body could not be read.")
			}
			if part.FileName() != "" {
				g.files[part.FormName()] = uploadedFile{filename: part.FileName(), mimeType: part.Header.Get("Content-Type"), data: data}
			} else {
				g.form.Add(part.FormName(), string(data))
			}
		}
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxGraphBody))
	if err != nil {
		return invalidParam("The request body could not be read.")
	}
	g.body = body
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	if ct == "application/x-www-form-urlencoded" || (ct == "" && trimmed[0] != '{') {
		vals, err := url.ParseQuery(string(trimmed))
		if err != nil {
			return invalidParam("The request body could not be parsed.")
		}
		g.form = vals
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		return invalidParam("The request body is not valid JSON: " + err.Error())
	}
	g.jsonObj = obj
	return nil
}

// param reads a parameter from the JSON body, the form body or the query
// string, in that order. JSON strings are unquoted; other JSON values are
// returned as their JSON text.
func (g *gctx) param(name string) string {
	if raw, ok := g.jsonObj[name]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return string(raw)
	}
	if v := g.form.Get(name); v != "" {
		return v
	}
	return g.query.Get(name)
}

func (g *gctx) hasParam(name string) bool {
	if _, ok := g.jsonObj[name]; ok {
		return true
	}
	return g.form.Has(name) || g.query.Has(name)
}

// jsonBody returns the request as one JSON document: the JSON body as is, or
// the form parameters with JSON-looking values decoded (Meta accepts both).
func (g *gctx) jsonBody() []byte {
	if g.jsonObj != nil {
		return bytes.TrimSpace(g.body)
	}
	obj := map[string]any{}
	for k, vs := range g.form {
		if k == "access_token" || len(vs) == 0 {
			continue
		}
		v := vs[0]
		var decoded any
		if t := strings.TrimSpace(v); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Unmarshal([]byte(t), &decoded) == nil {
			obj[k] = decoded
		} else {
			obj[k] = v
		}
	}
	b, _ := json.Marshal(obj)
	return b
}

// authorize checks the access token like Graph does.
func (s *Sim) authorize(g *gctx) *graphError {
	tok := bearerToken(g.r)
	if tok == "" {
		tok = g.query.Get("access_token")
	}
	if tok == "" {
		tok = g.form.Get("access_token")
	}
	return s.checkToken(tok)
}

func bearerToken(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok {
		return ""
	}
	if strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth") {
		return strings.TrimSpace(tok)
	}
	return ""
}

func (s *Sim) checkToken(tok string) *graphError {
	s.mu.Lock()
	revoked := s.revoked
	s.mu.Unlock()
	switch {
	case tok == "":
		return &graphError{status: 401, message: "An access token is required to request this resource.", typ: "OAuthException", code: 104}
	case tok != s.cfg.AccessToken:
		return &graphError{status: 401, message: "Invalid OAuth access token - Cannot parse access token", typ: "OAuthException", code: 190}
	case revoked:
		return &graphError{status: 401, message: "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.", typ: "OAuthException", code: 190, subcode: 460}
	}
	return nil
}

func (s *Sim) writeError(g *gctx, e *graphError) {
	body := errorBody{
		Message:        e.message,
		Type:           e.typ,
		Code:           e.code,
		ErrorSubcode:   e.subcode,
		ErrorUserTitle: e.userTitle,
		ErrorUserMsg:   e.userMsg,
		FBTraceID:      s.traceID(),
	}
	if e.transient {
		t := true
		body.IsTransient = &t
	}
	if e.details != "" {
		body.ErrorData = &errorData{MessagingProduct: "whatsapp", Details: e.details}
	}
	if e.code == 190 || e.code == 104 {
		g.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`OAuth "Facebook Platform" "invalid_token" %q`, e.message))
	}
	status := e.status
	if status == 0 {
		status = 400
	}
	s.log.Debug("graph error", "method", g.r.Method, "path", g.r.URL.Path, "code", e.code, "message", e.message)
	writeJSON(g.w, status, errorEnvelope{Error: body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "simulator: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Cache-Control", "private, no-cache, no-store, must-revalidate")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Sim) ok(g *gctx, v any) { writeJSON(g.w, http.StatusOK, v) }

type successResponse struct {
	Success bool `json:"success"`
}

// route dispatches a Graph request on the kind of object its ID names.
func (s *Sim) route(g *gctx) *graphError {
	method := g.r.Method
	if m := strings.ToUpper(g.query.Get("method")); m == "DELETE" || m == "POST" {
		method = m
	}
	s.mu.Lock()
	_, isBiz := s.bizByID[g.id]
	_, isWABA := s.wabas[g.id]
	_, isPhone := s.phones[g.id]
	_, isTemplate := s.templates[g.id]
	_, isMedia := s.media[g.id]
	isApp := g.id == s.cfg.AppID
	s.mu.Unlock()

	switch {
	case isBiz:
		return s.routeBusiness(g, method)
	case isWABA:
		return s.routeWABA(g, method)
	case isPhone:
		return s.routePhone(g, method)
	case isTemplate:
		return s.routeTemplate(g, method)
	case isMedia:
		return s.routeMedia(g, method)
	case isApp:
		return s.routeApp(g, method)
	}
	return unsupportedRequest(method, g.id)
}

func (s *Sim) routeBusiness(g *gctx, method string) *graphError {
	switch {
	case g.edge == "" && method == http.MethodGet:
		return s.getBusiness(g)
	case g.edge == "owned_whatsapp_business_accounts" && method == http.MethodGet:
		return s.listWABAs(g, true)
	case g.edge == "client_whatsapp_business_accounts" && method == http.MethodGet:
		return s.listWABAs(g, false)
	case method == http.MethodGet:
		return nonexistingField(g.edge, "Business")
	}
	return unsupportedRequest(method, g.id)
}

func (s *Sim) routeWABA(g *gctx, method string) *graphError {
	switch g.edge {
	case "":
		if method == http.MethodGet {
			return s.getWABA(g)
		}
	case "phone_numbers":
		if method == http.MethodGet {
			return s.listPhoneNumbers(g)
		}
	case "subscribed_apps":
		switch method {
		case http.MethodGet:
			return s.getSubscribedApps(g)
		case http.MethodPost:
			return s.postSubscribedApps(g)
		case http.MethodDelete:
			return s.deleteSubscribedApps(g)
		}
	case "message_templates":
		switch method {
		case http.MethodGet:
			return s.listTemplates(g)
		case http.MethodPost:
			return s.createTemplate(g)
		case http.MethodDelete:
			return s.deleteTemplate(g)
		}
	default:
		if method == http.MethodGet {
			return nonexistingField(g.edge, "WhatsAppBusinessAccount")
		}
	}
	return unsupportedRequest(method, g.id)
}

func (s *Sim) routePhone(g *gctx, method string) *graphError {
	switch g.edge {
	case "":
		if method == http.MethodGet {
			return s.getPhoneNumber(g)
		}
	case "messages":
		if method == http.MethodPost {
			return s.postMessage(g)
		}
	case "media":
		if method == http.MethodPost {
			return s.uploadMedia(g)
		}
	case "whatsapp_business_profile":
		switch method {
		case http.MethodGet:
			return s.getBusinessProfile(g)
		case http.MethodPost:
			return s.postBusinessProfile(g)
		}
	case "whatsapp_commerce_settings":
		switch method {
		case http.MethodGet:
			return s.getCommerceSettings(g)
		case http.MethodPost:
			return s.postCommerceSettings(g)
		}
	default:
		if method == http.MethodGet {
			return nonexistingField(g.edge, "WhatsAppBusinessPhoneNumber")
		}
	}
	return unsupportedRequest(method, g.id)
}

func (s *Sim) routeTemplate(g *gctx, method string) *graphError {
	if g.edge == "" {
		switch method {
		case http.MethodGet:
			return s.getTemplate(g)
		case http.MethodPost:
			return s.editTemplate(g)
		}
	}
	if g.edge != "" && method == http.MethodGet {
		return nonexistingField(g.edge, "WhatsAppMessageTemplate")
	}
	return unsupportedRequest(method, g.id)
}

func (s *Sim) routeMedia(g *gctx, method string) *graphError {
	if g.edge == "" {
		switch method {
		case http.MethodGet:
			return s.getMedia(g)
		case http.MethodDelete:
			return s.deleteMedia(g)
		}
	}
	return unsupportedRequest(method, g.id)
}

// baseURL is the URL clients use to reach the simulator.
func (s *Sim) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// fieldSet parses the fields parameter; nil means "default fields".
func (g *gctx) fieldSet() map[string]bool {
	raw := g.param("fields")
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	out := map[string]bool{}
	depth := 0
	var cur strings.Builder
	flush := func() {
		name := strings.TrimSpace(cur.String())
		if i := strings.IndexAny(name, "{.("); i >= 0 {
			name = name[:i]
		}
		if name != "" {
			out[name] = true
		}
		cur.Reset()
	}
	for _, r := range raw {
		switch {
		case r == '{' || r == '(':
			depth++
		case r == '}' || r == ')':
			depth--
		case r == ',' && depth == 0:
			flush()
			continue
		}
		if depth == 0 && r != '}' && r != ')' {
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// project keeps the requested fields of obj (plus id), or the defaults when
// no fields were requested. Unknown requested fields are ignored.
func project(obj map[string]any, fields map[string]bool, defaults []string) map[string]any {
	out := map[string]any{}
	if fields == nil {
		for _, k := range defaults {
			if v, ok := obj[k]; ok {
				out[k] = v
			}
		}
		return out
	}
	for k := range fields {
		if v, ok := obj[k]; ok {
			out[k] = v
		}
	}
	if v, ok := obj["id"]; ok {
		out["id"] = v
	}
	return out
}

// paging is Meta's cursor paging object.
type paging struct {
	Cursors  *cursors `json:"cursors,omitempty"`
	Next     string   `json:"next,omitempty"`
	Previous string   `json:"previous,omitempty"`
}

type cursors struct {
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c:" + key))
}

func decodeCursor(c string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(c, "="))
	if err != nil || !bytes.HasPrefix(b, []byte("c:")) {
		return "", false
	}
	return string(b[2:]), true
}

// page selects a window of keys with Meta's limit/after/before semantics and
// returns [start,end) and the paging object.
func (s *Sim) page(g *gctx, keys []string) (int, int, *paging, *graphError) {
	limit := 25
	for _, name := range []string{"limit", "first", "last"} {
		if v := g.param(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return 0, 0, nil, paramError(fmt.Sprintf("Param %s must be a positive integer", name))
			}
			limit = min(n, 100)
			break
		}
	}
	index := func(c string) (int, *graphError) {
		key, ok := decodeCursor(c)
		if !ok {
			return 0, invalidParam("The cursor " + c + " is not valid.")
		}
		for i, k := range keys {
			if k == key {
				return i, nil
			}
		}
		return 0, invalidParam("The cursor " + c + " does not point to an item of this list any more.")
	}
	start, end := 0, min(limit, len(keys))
	if after := g.param("after"); after != "" {
		i, err := index(after)
		if err != nil {
			return 0, 0, nil, err
		}
		start = i + 1
		end = min(start+limit, len(keys))
	} else if before := g.param("before"); before != "" {
		i, err := index(before)
		if err != nil {
			return 0, 0, nil, err
		}
		end = i
		start = max(0, end-limit)
	}
	if start >= end {
		return start, start, nil, nil
	}
	p := &paging{Cursors: &cursors{Before: encodeCursor(keys[start]), After: encodeCursor(keys[end-1])}}
	link := func(param, cursor string) string {
		q := url.Values{}
		for k, v := range g.query {
			if k == "after" || k == "before" {
				continue
			}
			q[k] = v
		}
		if !q.Has("limit") && !q.Has("first") {
			q.Set("limit", strconv.Itoa(limit))
		}
		q.Set(param, cursor)
		return s.baseURL(g.r) + g.r.URL.Path + "?" + q.Encode()
	}
	if end < len(keys) {
		p.Next = link("after", p.Cursors.After)
	}
	if start > 0 {
		p.Previous = link("before", p.Cursors.Before)
	}
	return start, end, p, nil
}

// listResponse is Graph's {data, paging} edge answer.
type listResponse struct {
	Data   []any   `json:"data"`
	Paging *paging `json:"paging,omitempty"`
}
