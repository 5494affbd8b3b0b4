//go:build !linux

package machine

func uname() unameInfo { return fallbackUname() }
