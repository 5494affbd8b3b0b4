// Package site builds benchsite's static report site.
package site
