package machine

import "syscall"

func uname() unameInfo {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return fallbackUname()
	}
	return unameInfo{system: cstr(u.Sysname[:]), release: cstr(u.Release[:]), machine: cstr(u.Machine[:])}
}

// cstr converts a NUL-terminated utsname field (int8 or uint8 by
// architecture) to a string.
func cstr[T int8 | uint8](b []T) string {
	s := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}
