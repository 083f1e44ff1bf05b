// Package repocheck holds tests about the repository itself rather than
// about one package: that the test suite needs nothing outside the
// repository, so it runs from a fresh clone.
package repocheck
