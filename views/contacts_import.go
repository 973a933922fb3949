package views

// ImportUploadView is the first step of a contacts import.
type ImportUploadView struct {
	Errors Errors
}

// ImportMapView maps an uploaded file's columns and shows the dry run.
type ImportMapView struct {
	ID       int64
	Filename string
	Rows     int
	Columns  []ImportColumn
	Labels   []LabelChip
	LabelID  int64
	Errors   Errors
	// Report is the dry run (nil until the file was checked).
	Report *ImportReport
}

// ImportColumn is one column of the file with what it is mapped to.
type ImportColumn struct {
	Index int
	Title string
	// Sample is the column's first value.
	Sample string
	Field  string
	// Attribute is the attribute the column becomes when mapped to one.
	Attribute string
}

// ImportReport is what importing would do.
type ImportReport struct {
	New, Existing int
	Invalid       []ImportProblem
	Duplicates    []ImportProblem
	// More counts problems not listed (the lists stop at 100).
	More int
}

// ImportProblem is a row left out, and why.
type ImportProblem struct {
	Line    int
	Value   string
	Problem string
}
