package handlers

// HashResetToken exposes how reset tokens are stored, for tests.
var HashResetToken = hashToken
