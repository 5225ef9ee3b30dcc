package site

import (
	"time"

	"newsdesk/internal/store"
)

func storeQuery(lang, channel string, limit, offset int, now time.Time) store.ArticleQuery {
	return store.ArticleQuery{Language: lang, Channel: channel, Limit: limit, Offset: offset, Now: now}
}
