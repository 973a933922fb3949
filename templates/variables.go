package templates

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Dynamic variables: an agent filling in a template may write {contact_name}
// (or another variable's name in single braces) instead of typing the
// value; wadesk puts the value in when the template is sent, so the same
// words work for every customer. Variables form a small registry: the
// built-in ones come from the conversation, and a feature that knows more
// about a conversation (its orders, say) adds its own with Add.

// SendContext is what a variable may need to find its value.
type SendContext struct {
	ConversationID int64
	ContactName    string
	ContactPhone   string
	// AgentName is the name of the person sending.
	AgentName string
}

// Variable is a value wadesk fills in when a template is sent.
type Variable struct {
	// Name is written between single braces: {contact_name}. Lower-case
	// letters, digits and underscores, starting with a letter.
	Name string
	// Label names it for agents: "Contact name".
	Label string
	// Missing says in plain words why the variable has no value when Value
	// reports none, e.g. "This customer has not ordered yet."
	Missing string
	// Value returns the variable's value in a conversation; ok is false
	// when it has none there.
	Value func(ctx context.Context, c SendContext) (value string, ok bool, err error)
}

// Token is the variable as an agent writes it.
func (v Variable) Token() string { return "{" + v.Name + "}" }

// Built-in variable names.
const (
	VarContactName  = "contact_name"
	VarContactPhone = "contact_phone"
	VarAgentName    = "agent_name"
)

var variableName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Variables is the set of variables agents may use. The zero value has
// none; DefaultVariables has the built-in ones.
type Variables struct {
	list []Variable
}

// DefaultVariables returns the built-in variables: the contact's name and
// phone number and the sending agent's name.
func DefaultVariables() *Variables {
	vs := &Variables{}
	for _, v := range []Variable{
		{Name: VarContactName, Label: "Contact name", Missing: "WhatsApp has not told us this customer's name; type it instead.",
			Value: func(_ context.Context, c SendContext) (string, bool, error) {
				return c.ContactName, strings.TrimSpace(c.ContactName) != "", nil
			}},
		{Name: VarContactPhone, Label: "Contact phone", Missing: "This conversation has no phone number.",
			Value: func(_ context.Context, c SendContext) (string, bool, error) {
				return c.ContactPhone, c.ContactPhone != "", nil
			}},
		{Name: VarAgentName, Label: "Your name", Missing: "Your account has no name; add it under Account, or type it instead.",
			Value: func(_ context.Context, c SendContext) (string, bool, error) {
				return c.AgentName, strings.TrimSpace(c.AgentName) != "", nil
			}},
	} {
		if err := vs.Add(v); err != nil {
			panic(err) // the built-in ones are valid
		}
	}
	return vs
}

// Add registers a variable. Names are unique.
func (vs *Variables) Add(v Variable) error {
	if !variableName.MatchString(v.Name) {
		return fmt.Errorf("templates: variable name %q: use lower-case letters, digits and underscores", v.Name)
	}
	if v.Value == nil || v.Label == "" {
		return fmt.Errorf("templates: variable %q needs a label and a value function", v.Name)
	}
	if _, ok := vs.find(v.Name); ok {
		return fmt.Errorf("templates: variable %q is already registered", v.Name)
	}
	vs.list = append(vs.list, v)
	return nil
}

// List returns the variables in the order they were added.
func (vs *Variables) List() []Variable {
	if vs == nil {
		return nil
	}
	return append([]Variable(nil), vs.list...)
}

func (vs *Variables) find(name string) (Variable, bool) {
	if vs == nil {
		return Variable{}, false
	}
	for _, v := range vs.list {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// Values are the variables' values in one conversation, made by Resolve.
type Values struct {
	vars *Variables
	// have maps a variable's name to its value; absent: no value here.
	have map[string]string
}

// Resolve finds the value of every variable in a conversation.
func (vs *Variables) Resolve(ctx context.Context, c SendContext) (Values, error) {
	out := Values{vars: vs, have: map[string]string{}}
	for _, v := range vs.List() {
		val, ok, err := v.Value(ctx, c)
		if err != nil {
			return Values{}, fmt.Errorf("templates: variable %s: %w", v.Name, err)
		}
		if ok {
			out.have[v.Name] = val
		}
	}
	return out, nil
}

// Available returns the variables that have a value, in registry order.
func (vals Values) Available() []Variable {
	var out []Variable
	for _, v := range vals.vars.List() {
		if _, ok := vals.have[v.Name]; ok {
			out = append(out, v)
		}
	}
	return out
}

// tokenRe finds {name} in a value. {{1}} (a template's own variable
// syntax) is not a dynamic variable; Expand leaves it alone.
var tokenRe = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)

// Expand replaces every {name} in s with the variable's value. A name
// that is not a variable, or that has no value in this conversation, is a
// problem in plain words; s is then returned unchanged.
func (vals Values) Expand(s string) (string, string) {
	var b strings.Builder
	last := 0
	for _, m := range tokenRe.FindAllStringSubmatchIndex(s, -1) {
		if (m[0] > 0 && s[m[0]-1] == '{') || (m[1] < len(s) && s[m[1]] == '}') {
			continue // part of {{...}}
		}
		name := s[m[2]:m[3]]
		v, known := vals.vars.find(name)
		if !known {
			return s, "{" + name + "} is not a variable wadesk knows. " + vals.known()
		}
		val, ok := vals.have[name]
		if !ok {
			why := v.Missing
			if why == "" {
				why = "It has no value in this conversation."
			}
			return s, "{" + name + "} has no value here: " + why
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(val)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String(), ""
}

func (vals Values) known() string {
	var names []string
	for _, v := range vals.vars.List() {
		names = append(names, v.Token())
	}
	switch len(names) {
	case 0:
		return "Type the value itself."
	case 1:
		return "You can use " + names[0] + "."
	}
	return "You can use " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + "."
}
