-- Store settings of each channel: the connected catalog and currency, the
-- products wadesk composes product messages from, the payment partners
-- whose links answer orders, and the orders customers send.
--
-- Amounts are integers: the amount times 1000 (Meta's amount_1000), so that
-- every currency's minor unit (0, 2 or 3 decimals) is exact. Never floats.

-- One row per channel that has store settings. The cart and catalog
-- switches live at the provider (whatsapp_commerce_settings), not here.
CREATE TABLE store_settings (
    channel_id                  INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    -- The Meta catalog connected to the WhatsApp Business Account; product
    -- messages name it. '' until set.
    catalog_id                  TEXT    NOT NULL DEFAULT '',
    -- ISO 4217 code of the store's prices; '' until set.
    currency                    TEXT    NOT NULL DEFAULT '',
    -- The approved template that carries payment links once the 24-hour
    -- window is closed, by name and language (a template sync may replace
    -- its row); '' when none is chosen.
    payment_template_name       TEXT    NOT NULL DEFAULT '',
    payment_template_language   TEXT    NOT NULL DEFAULT '',
    updated_at                  TEXT    NOT NULL
) STRICT;

-- The product list of a channel, kept in wadesk.
CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    -- The product's ID in the Meta catalog (content ID / SKU).
    retailer_id  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    price_1000   INTEGER NOT NULL CHECK (price_1000 >= 0),
    currency     TEXT    NOT NULL,
    image_url    TEXT    NOT NULL DEFAULT '',
    in_stock     INTEGER NOT NULL DEFAULT 1 CHECK (in_stock IN (0, 1)),
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (channel_id, retailer_id)
) STRICT;

CREATE INDEX products_name ON products (channel_id, name COLLATE NOCASE, id);

-- Payment partners of a channel. url is the partner's base link (Stripe,
-- Razorpay), the PayPal.me address, or a custom URL template with
-- {order_id}, {amount}, {currency} and {phone} placeholders.
CREATE TABLE payment_partners (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('stripe', 'razorpay', 'paypal', 'custom')),
    name        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
) STRICT;

CREATE INDEX payment_partners_channel ON payment_partners (channel_id, id);
-- At most one default partner per channel.
CREATE UNIQUE INDEX payment_partners_default ON payment_partners (channel_id) WHERE is_default = 1;

-- Orders, derived from customers' order messages (messages.type = 'order')
-- when a conversation or the orders page is read: one per message, so that
-- deriving again changes nothing. The ingest path is not involved.
CREATE TABLE orders (
    id                INTEGER PRIMARY KEY,
    message_id        INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id   INTEGER NOT NULL REFERENCES conversations (id),
    channel_id        INTEGER NOT NULL REFERENCES channels (id),
    catalog_id        TEXT    NOT NULL DEFAULT '',
    -- The customer's note with the cart.
    note              TEXT    NOT NULL DEFAULT '',
    -- '' when the items are in several currencies (no total can be given).
    currency          TEXT    NOT NULL DEFAULT '',
    total_1000        INTEGER NOT NULL DEFAULT 0,
    -- Why the order could not be read whole, in plain words; '' if it was.
    problem           TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new', 'link_sent', 'paid', 'cancelled')),
    -- The last payment link sent, and the message that carried it.
    payment_link      TEXT    NOT NULL DEFAULT '',
    link_message_id   INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    -- Who last changed the status, and when.
    status_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status_at         TEXT,
    -- WhatsApp's timestamp of the order message.
    ordered_at        TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
) STRICT;

CREATE INDEX orders_recent ON orders (ordered_at DESC, id DESC);
CREATE INDEX orders_by_status ON orders (status, ordered_at DESC, id DESC);
CREATE INDEX orders_conversation ON orders (conversation_id, id);

-- The product lines of an order, in the customer's order.
CREATE TABLE order_items (
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    retailer_id      TEXT    NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_1000  INTEGER NOT NULL CHECK (unit_price_1000 >= 0),
    currency         TEXT    NOT NULL,
    PRIMARY KEY (order_id, position)
) STRICT, WITHOUT ROWID;

-- How far the orders page has looked for new order messages: messages
-- with a higher id have not been derived into orders by it yet.
CREATE TABLE order_scan (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    last_message_id  INTEGER NOT NULL
) STRICT;

-- Finds order messages without reading every message. Partial: only order
-- messages are in it, so ordinary messages cost the ingest nothing more
-- than checking their type.
CREATE INDEX messages_orders ON messages (id) WHERE type = 'order';
