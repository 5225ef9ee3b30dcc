package editorial

import (
	"context"
	"errors"
	"unicode/utf8"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// maxLeadText bounds an article's own lead caption and credit, as the
// library bounds the image's.
const (
	maxLeadCaption = 2000
	maxLeadCredit  = 300
	maxAttachments = 50
)

// applyMedia sets the lead image and downloads of a from m, checking that
// the lead is a library image and every attachment a library document.
func applyMedia(ctx context.Context, tx *store.Tx, a *news.Article, m DraftMedia, v *news.ValidationError) error {
	if m.LeadID != 0 {
		lead, err := tx.MediaByID(ctx, m.LeadID)
		switch {
		case errors.Is(err, news.ErrNotFound):
			v.Add("lead_media", "no media %d in the library", m.LeadID)
		case err != nil:
			return err
		case lead.Kind != news.MediaImage:
			v.Add("lead_media", "%q is a document, not an image", lead.Filename)
		}
	}
	if n := utf8.RuneCountInString(m.LeadCaption); n > maxLeadCaption {
		v.Add("lead_caption", "is %d characters long; at most %d", n, maxLeadCaption)
	}
	if n := utf8.RuneCountInString(m.LeadCredit); n > maxLeadCredit {
		v.Add("lead_credit", "is %d characters long; at most %d", n, maxLeadCredit)
	}
	if len(m.Attachments) > maxAttachments {
		v.Add("attachments", "%d attachments; at most %d", len(m.Attachments), maxAttachments)
	}
	found, err := tx.MediaByIDs(ctx, m.Attachments)
	if err != nil {
		return err
	}
	byID := map[int64]news.Media{}
	for _, f := range found {
		byID[f.ID] = f
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, id := range m.Attachments {
		f, ok := byID[id]
		switch {
		case seen[id]:
			continue
		case !ok:
			v.Add("attachments", "no media %d in the library", id)
		case f.Kind != news.MediaDocument:
			v.Add("attachments", "%q is an image; attach documents (PDF, DOCX, XLSX, ODT)", f.Filename)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	a.LeadMediaID, a.LeadCaption, a.LeadCredit, a.Attachments = m.LeadID, m.LeadCaption, m.LeadCredit, ids
	return nil
}

// altTextRefusal applies the domain's rule (news.CheckAltText) to the lead
// image and the library images of the body: refusal says what is missing;
// err is a failure to check.
func altTextRefusal(ctx context.Context, tx *store.Tx, a news.Article) (refusal, err error) {
	var lead *news.Media
	if a.LeadMediaID != 0 {
		m, err := tx.MediaByID(ctx, a.LeadMediaID)
		if err != nil {
			return nil, err
		}
		lead = &m
	}
	hashes := news.BodyHashesNeedingAlt(a.BodyHTML)
	found, err := tx.MediaByHashes(ctx, hashes)
	if err != nil {
		return nil, err
	}
	byHash := map[string]news.Media{}
	for _, m := range found {
		byHash[m.Hash] = m
	}
	var body []news.Media
	for _, h := range hashes {
		if m, ok := byHash[h]; ok {
			body = append(body, m)
		}
	}
	return news.CheckAltText(lead, body), nil
}
