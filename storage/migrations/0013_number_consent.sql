-- A member's phone number (their WhatsApp identity) is shown only if they agreed (`/numero
-- oui`), and then only to the other side of an exchange, never to the whole network.
ALTER TABLE members ADD COLUMN shares_number INTEGER NOT NULL DEFAULT 0;
