package api

import (
	"net/http"

	"newsdesk/internal/news"
)

// channelJSON is one channel as the API shows it.
type channelJSON struct {
	ID               int64             `json:"id"`
	Path             string            `json:"path" doc:"what an article names as its channel"`
	Parent           string            `json:"parent" doc:"the parent's path; \"\" for a top-level channel"`
	Name             map[string]string `json:"name" doc:"the channel's name by language code"`
	Position         int               `json:"position"`
	RequiresApproval bool              `json:"requires_approval" doc:"articles are published only after a chief editor other than their last writer approves them"`
	May              []string          `json:"may" doc:"what the caller may do with their own articles here: create-article, edit-article, submit-for-review, approve, publish, correct, retract"`
}

type channelList struct {
	Channels []channelJSON `json:"channels"`
}

// articleActions are the actions channelJSON.May reports.
var articleActions = []news.Action{news.ActionCreateArticle, news.ActionEditArticle, news.ActionSubmit,
	news.ActionApprove, news.ActionPublish, news.ActionCorrect, news.ActionRetract}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request, c caller) error {
	tree, err := s.ed.Store.Channels(r.Context())
	if err != nil {
		return err
	}
	res := channelList{Channels: []channelJSON{}}
	for _, ch := range tree.All() {
		j := channelJSON{ID: ch.ID, Path: ch.Path, Parent: ch.ParentPath(), Name: ch.Name, Position: ch.Position,
			RequiresApproval: ch.RequiresApproval, May: []string{}}
		if j.Name == nil {
			j.Name = map[string]string{}
		}
		for _, a := range articleActions {
			if c.user.May(a, news.Target{Channel: ch.Path, AuthorID: c.user.ID}) {
				j.May = append(j.May, string(a))
			}
		}
		res.Channels = append(res.Channels, j)
	}
	return writeJSON(w, http.StatusOK, res)
}
