package news

// Action is something a user may try to do. Every surface (admin pages, API,
// CLI) asks User.May before acting; none re-implements the rules.
type Action string

// The actions the newsroom knows.
const (
	// Site-wide administration: only a site-wide administrator.
	ActionManageUsers    Action = "manage-users"
	ActionManageSettings Action = "manage-settings"
	ActionManagePages    Action = "manage-pages"
	ActionViewAudit      Action = "view-audit"
	// ActionManageChannels creates, renames, moves and deletes channels within
	// a subtree the user administers.
	ActionManageChannels Action = "manage-channels"
	// ActionManageWires adds, edits, removes and polls wire sources: a
	// site-wide chief editor or administrator.
	ActionManageWires Action = "manage-wires"

	// Content work, on an article or channel.
	ActionCreateArticle Action = "create-article"
	ActionEditArticle   Action = "edit-article"
	ActionSubmit        Action = "submit-for-review"
	ActionApprove       Action = "approve"
	ActionPublish       Action = "publish"
	ActionCorrect       Action = "correct"
	ActionRetract       Action = "retract"
)

// Actions lists every action, for permission matrices and admin pages.
var Actions = []Action{
	ActionManageUsers, ActionManageSettings, ActionManagePages, ActionViewAudit, ActionManageChannels, ActionManageWires,
	ActionCreateArticle, ActionEditArticle, ActionSubmit, ActionApprove, ActionPublish, ActionCorrect, ActionRetract,
}

// minRole is the least role that may take each action.
var minRole = map[Action]Role{
	ActionManageUsers: RoleAdministrator, ActionManageSettings: RoleAdministrator,
	ActionManagePages: RoleAdministrator, ActionViewAudit: RoleAdministrator,
	ActionManageChannels: RoleAdministrator, ActionManageWires: RoleChiefEditor,
	ActionCreateArticle: RoleContributor, ActionEditArticle: RoleContributor, ActionSubmit: RoleContributor,
	ActionApprove: RoleChiefEditor, ActionPublish: RoleChiefEditor, ActionCorrect: RoleChiefEditor, ActionRetract: RoleChiefEditor,
}

// siteWide marks actions that only a site-wide grant can allow.
var siteWide = map[Action]bool{
	ActionManageUsers: true, ActionManageSettings: true, ActionManagePages: true, ActionViewAudit: true,
	ActionManageWires: true,
}

// Target is what an action is about: a channel, and for article actions the
// article's author (0 when there is no article yet).
type Target struct {
	Channel  string
	AuthorID int64
}

// May reports whether u may take action on target. Disabled users may do
// nothing. Contributors may only work on their own articles; editors and up
// on any article in their channels.
func (u User) May(action Action, target Target) bool {
	if !u.Active() {
		return false
	}
	need, ok := minRole[action]
	if !ok {
		return false
	}
	for _, g := range u.Grants {
		if g.Role.rank() < need.rank() {
			continue
		}
		if siteWide[action] {
			if g.Channel != "" {
				continue
			}
		} else if !g.Covers(target.Channel) {
			continue
		}
		if g.Role == RoleContributor && (action == ActionEditArticle || action == ActionSubmit) &&
			target.AuthorID != u.ID {
			continue
		}
		return true
	}
	return false
}

// IsSiteAdministrator reports whether u holds a site-wide administrator grant.
func (u User) IsSiteAdministrator() bool {
	return u.May(ActionManageUsers, Target{})
}
