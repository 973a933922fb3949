// Package simulator is an offline stand-in for Meta's Graph API (WhatsApp
// Cloud API, v23.0 shapes; any /vNN.N/ prefix is accepted). It is written from
// Meta's documented wire behaviour and shares no code with the Cloud API
// client, so a client that works against it is expected to work against
// graph.facebook.com.
//
// # Graph API
//
// Bearer token (Authorization: Bearer, or access_token) on every call: a
// wrong token answers 401 with error code 190, a missing one 401 with 104, a
// revoked one (RevokeToken) 401 with 190/460. Unknown object IDs answer 400,
// code 100, subcode 33 ("Unsupported get request...").
//
//	GET    /{business-id}[/owned_whatsapp_business_accounts|/client_whatsapp_business_accounts]
//	GET    /{waba-id}[/phone_numbers]
//	GET    /{phone-number-id}                     fields=... (health_status too)
//	GET    /{waba-id}/subscribed_apps
//	POST   /{waba-id}/subscribed_apps             override_callback_uri + verify_token: hub.challenge handshake, 2200 on failure
//	DELETE /{waba-id}/subscribed_apps
//	GET    /{waba-id}/message_templates           name, status, category, language, fields, limit/after/before
//	POST   /{waba-id}/message_templates           validated like Meta; PENDING, then reviewed
//	DELETE /{waba-id}/message_templates           name (all languages) or hsm_id
//	GET    /{template-id}, POST /{template-id}    read, edit (back to PENDING)
//	POST   /{phone-number-id}/messages            every message type, mark as read, typing indicator
//	POST   /{phone-number-id}/media               multipart upload
//	GET    /{media-id}, DELETE /{media-id}        url valid 5 minutes, download needs the token
//	GET    /{phone-number-id}/whatsapp_business_profile, POST to update (limits checked, profile_picture_handle)
//	POST   /{app-id}/uploads                      Resumable Upload API: file_name, file_length, file_type → upload session ID
//	POST   /{upload-session-id}                   header file_offset + raw bytes → {"h": handle}; GET → {"file_offset"}
//	GET    /{phone-number-id}/whatsapp_commerce_settings, POST to update
//
// Lists use Meta's cursor paging: limit (default 25, max 100), after,
// before, and paging.cursors.before/after, paging.next, paging.previous.
//
// # Behaviour the product has to handle
//
//   - Customer service window: a free-form message more than 24 h after the
//     customer's last message is accepted (200 with a wamid) and then fails
//     with a "failed" status webhook carrying error 131047, as Meta does.
//     Templates are always allowed.
//   - Throughput: Config.Throughput messages per second per number (default
//     80); above it POST /messages answers 400 with 130429.
//   - Pair rate: about one message per Config.PairInterval (6 s) to the same
//     customer with a burst of Config.PairBurst; above it 400 with 131056.
//   - Templates: unknown name/language or not approved: 132001; parameter
//     count differing from the stored components: 132000; media header of the
//     wrong kind: 132012; PAUSED 132015, DISABLED 132016.
//   - Numbers that are not CONNECTED (or FLAGGED/RESTRICTED) with a VERIFIED
//     code cannot send: 133010 (not registered) or 131031 (locked).
//   - Every accepted message gets sent → delivered → read status webhooks
//     with conversation and PMP pricing: marketing and authentication
//     templates are billable, utility templates only outside the window,
//     free-form (service) messages are free — until 1 Oct 2026 on the
//     simulator's clock, when service replies and utility templates inside
//     the window become billable too; nothing is billable for 72 hours
//     after a customer wrote from an ad (an inbound with a referral:
//     type free_entry_point). "read" comes when the customer
//     phone page shows the message, or after Config.ReadAfter.
//   - Resumable uploads: the session ID is "upload:…?sig=…" (the sig is a
//     query parameter); file_type must be application/pdf, image/jpeg,
//     image/jpg, image/png or video/mp4; a file_offset other than the bytes
//     the session holds is refused (100) so clients resume from GET's
//     file_offset. Handles look like Meta's ("4:<name>:<type>:…:e:<expiry>:
//     <app-id>:…") and last 7 days. A profile_picture_handle must be a JPEG
//     or PNG upload; profile_picture_url then serves it from this simulator.
//   - Business profile updates check Meta's limits (about 1–139, address
//     256, description 512, email 128 and valid, at most 2 http(s)
//     websites, a documented vertical) and answer 100 with details.
//   - Template review: after Config.TemplateReviewDelay a template becomes
//     APPROVED or REJECTED (see reviewDecision for the rule: "reject" in the
//     name, a body that starts or ends with a variable, or scam phrases) and
//     a message_template_status_update webhook is sent.
//
// # Webhooks
//
// Events are queued per WABA and delivered in order by one goroutine each,
// in Meta's envelope, with non-ASCII escaped as \uXXXX and "/" as "\/", and
// signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app
// secret). Non-200 answers are retried with exponential backoff
// (Config.Webhook); with Config.Webhook.DuplicateProbability an event is
// delivered twice. Events of a WABA without a callback are dropped (and
// listed by Deliveries).
//
// # Customer phone and control endpoints
//
// "/" is a server-rendered page playing the customer's WhatsApp: pick or
// create a customer and a business number, chat, tap reply buttons, list
// rows and template quick replies, share a location, send a photo, order
// from the catalog. Each action is an inbound webhook. A customer's own
// messages show one tick until the webhook was delivered to the business,
// two once delivered, blue once the business marks them read.
//
// /_sim/ serves JSON control endpoints for tests and demos (see
// serveControl): clock/advance, token/revoke, token/restore, inbound,
// messages, callbacks, webhooks, templates/review, profile,
// uploads/interrupt.
package simulator
