package news

import "slices"

// Reach is a part of the newsroom where a user may edit articles: a channel
// subtree ("" for all of it), and for contributors only their own articles
// (AuthorID; 0 means anyone's). Newsroom lists and searches select by it.
type Reach struct {
	Channel  string
	AuthorID int64
}

// EditReach asks the permission rules, grant by grant, where u may edit
// articles, and narrows that to the channel filter ("" for none); a reach
// inside another is dropped, so each article falls in as few as possible.
func EditReach(u User, filter string) []Reach {
	within := func(parent, child string) bool { return Grant{Channel: parent}.Covers(child) }
	var all []Reach
	for _, g := range u.Grants {
		one := User{ID: u.ID, Status: u.Status, Grants: []Grant{g}}
		r := Reach{Channel: g.Channel}
		switch {
		case one.May(ActionEditArticle, Target{Channel: g.Channel}): // someone else's article
		case one.May(ActionEditArticle, Target{Channel: g.Channel, AuthorID: u.ID}):
			r.AuthorID = u.ID
		default:
			continue
		}
		switch {
		case within(r.Channel, filter):
			r.Channel = filter
		case within(filter, r.Channel):
		default:
			continue // the filter is outside this grant
		}
		all = append(all, r)
	}
	var out []Reach
	for i, r := range all {
		inside := slices.ContainsFunc(all, func(o Reach) bool {
			return o != r && within(o.Channel, r.Channel) && (o.AuthorID == 0 || o.AuthorID == r.AuthorID)
		}) || slices.Contains(all[:i], r)
		if !inside {
			out = append(out, r)
		}
	}
	return out
}
