// Package auth holds μNet's identity primitives: argon2id password hashes
// in PHC string format, and API tokens (format, generation and the peppered
// HMAC digest that is all the database keeps). It is a pure library: storage
// and HTTP sit on top of it.
package auth
