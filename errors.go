package discovery

import (
	"errors"
	"fmt"
)

// Error codes name the kinds of failure a caller can act on. The API maps
// them to HTTP status codes in exactly one place.
const (
	EINVALID  = "invalid"   // the caller sent something malformed
	ENOTFOUND = "not_found" // the thing asked for does not exist
	EINTERNAL = "internal"  // a fault of ours or of a dependency
)

// Error is an error with a code and a message meant for the person who caused
// it. Wrapped causes stay available through errors.Unwrap.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of the first *Error in err's chain,
// and a generic text for anything else so internal details never leak to
// clients.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
