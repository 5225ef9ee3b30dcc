// Package jobs runs Newsdesk's background work inside the binary. The
// publish clock turns scheduled articles into published ones at their time
// and writes each publication to the change log exactly once, however many
// nodes share the database and whatever crashed in between.
package jobs
