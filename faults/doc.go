// Package faults holds the crash suite: end-to-end tests that kill parts of a real network and the
// gateway while platforms submit events, then prove that nothing acknowledged was lost and nothing
// was recorded twice. See docs/RELIABILITY.md.
package faults
