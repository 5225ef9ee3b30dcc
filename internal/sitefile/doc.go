// Package sitefile reads the site file (settings, channel tree, footer pages;
// see seed-site.json) and applies it declaratively: what the file names is
// created or updated, what it does not name is left alone, and the whole file
// goes in as one transaction or not at all.
package sitefile
