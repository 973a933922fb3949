package views

import (
	"context"
	"time"
)

// ZoneOf is the time zone the request shows times in.
func ZoneOf(ctx context.Context) *time.Location { return zoneOf(ctx) }

// ConversationFlow is the thread's snooze and transfer controls.
type ConversationFlow struct {
	ID     int64
	Status string
	// Snoozed: the conversation is snoozed; SnoozedWords says until when.
	Snoozed      bool
	SnoozedWords string
	// DepartmentID is its department (0: none); Departments those it may
	// be transferred to.
	DepartmentID int64
	Departments  []Option
	List         string
	Errors       Errors
}
