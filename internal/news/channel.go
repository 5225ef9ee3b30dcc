package news

import (
	"sort"
	"strings"
)

// Channel is one node of the channel tree. Path is the slug path from the root
// without slashes at the ends ("news/china/government-dynamic"); it is what URLs,
// the CLI and imports use to name a channel.
type Channel struct {
	ID       int64
	ParentID int64 // 0 for a top-level channel
	Slug     string
	Path     string
	Name     Localized
	Position int
	// RequiresApproval: nothing in this channel is published until a chief
	// editor other than its last writer approves it.
	RequiresApproval bool
}

// Depth is the number of levels above the channel: 0 for a top-level one.
func (c Channel) Depth() int { return strings.Count(c.Path, "/") }

// ParentPath is the path of the channel's parent, "" for a top-level channel.
func (c Channel) ParentPath() string {
	if i := strings.LastIndexByte(c.Path, '/'); i >= 0 {
		return c.Path[:i]
	}
	return ""
}

// ChannelTree is the whole channel tree, loaded once per request or render, with
// lookups by path and id and the navigation order.
type ChannelTree struct {
	all    []Channel
	byPath map[string]int
	byID   map[int64]int
}

// NewChannelTree indexes channels. Order among siblings is Position, then slug.
func NewChannelTree(channels []Channel) *ChannelTree {
	all := append([]Channel(nil), channels...)
	// Shallower channels first, so parents always precede children; then by
	// parent, so siblings sit together in their navigation order. (Comparing
	// paths only across parents was not a consistent order: a child could sort
	// before its own parent.)
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Depth() != b.Depth() {
			return a.Depth() < b.Depth()
		}
		if pa, pb := a.ParentPath(), b.ParentPath(); pa != pb {
			return pa < pb
		}
		if a.Position != b.Position {
			return a.Position < b.Position
		}
		return a.Slug < b.Slug
	})
	t := &ChannelTree{all: all, byPath: map[string]int{}, byID: map[int64]int{}}
	for i, c := range all {
		t.byPath[c.Path] = i
		t.byID[c.ID] = i
	}
	return t
}

// ByPath finds a channel by its slug path.
func (t *ChannelTree) ByPath(path string) (Channel, bool) {
	i, ok := t.byPath[strings.Trim(path, "/")]
	if !ok {
		return Channel{}, false
	}
	return t.all[i], true
}

// ByID finds a channel by id.
func (t *ChannelTree) ByID(id int64) (Channel, bool) {
	i, ok := t.byID[id]
	if !ok {
		return Channel{}, false
	}
	return t.all[i], true
}

// Children returns the channels directly under parentID (0: top level) in order.
func (t *ChannelTree) Children(parentID int64) []Channel {
	var out []Channel
	for _, c := range t.all {
		if c.ParentID == parentID {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Position != out[j].Position {
			return out[i].Position < out[j].Position
		}
		return out[i].Slug < out[j].Slug
	})
	return out
}

// Ancestry returns the channel and its ancestors from the top level down: the
// breadcrumb of anything in that channel.
func (t *ChannelTree) Ancestry(path string) []Channel {
	var out []Channel
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := range parts {
		if c, ok := t.ByPath(strings.Join(parts[:i+1], "/")); ok {
			out = append(out, c)
		}
	}
	return out
}

// All returns every channel, parents before children.
func (t *ChannelTree) All() []Channel { return append([]Channel(nil), t.all...) }

// Len is the number of channels.
func (t *ChannelTree) Len() int { return len(t.all) }
