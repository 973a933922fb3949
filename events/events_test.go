package events

import "testing"

func TestPublishSubscribe(t *testing.T) {
	h := NewHub()
	a, b := h.Subscribe(4), h.Subscribe(1)
	h.Publish(Event{Kind: MessageCreated, ConversationID: 1})
	h.Publish(Event{Kind: MessageStatus, ConversationID: 1, Status: "read"})
	if ev := <-a.C; ev.Kind != MessageCreated {
		t.Fatalf("a got %+v", ev)
	}
	if ev := <-a.C; ev.Status != "read" {
		t.Fatalf("a got %+v", ev)
	}
	if ev := <-b.C; ev.Kind != MessageCreated {
		t.Fatalf("b got %+v", ev)
	}
	if b.Dropped() != 1 {
		t.Fatalf("slow subscriber dropped %d, want 1", b.Dropped())
	}
	b.Close()
	b.Close() // twice is fine
	h.Publish(Event{Kind: MessageCreated})
	if _, open := <-b.C; open {
		t.Fatal("closed subscription still receives")
	}
	if ev := <-a.C; ev.Kind != MessageCreated {
		t.Fatalf("a got %+v", ev)
	}
}
