-- Twilio said (error 63016, in a status callback) that a person's 24-hour window was closed
-- although we counted it open: until they write again, their messages go as templates or wait.
CREATE TABLE closed_windows (
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    closed_at    TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
