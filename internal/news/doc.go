// Package news is the domain of Newsdesk: the site and its settings, the channel
// tree, articles and footer pages, and the rules every surface obeys, above all
// which articles a reader may see and from when. It imports only the standard
// library, so the rules can be read and tested without a database or a server.
package news
