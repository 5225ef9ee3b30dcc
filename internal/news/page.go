package news

// Page is a standing page such as "About us", reached at /{lang}/{slug}/ and
// linked from the footer when the site lists it there.
type Page struct {
	Slug     string
	Title    Localized
	Body     Localized // sanitized HTML per language
	Position int
}
