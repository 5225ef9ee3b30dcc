package admin

import (
	"fmt"

	"newsdesk/internal/news"
)

// refusalsZH says the domain's workflow refusals in Chinese, keyed by their
// English text (news.TransitionError.Format); a refusal not listed here is
// shown in English rather than not at all.
var refusalsZH = map[string]string{
	"unknown transition %q":                                                                 "未知的操作 %q",
	"your role does not allow it in %s":                                                     "您在栏目 %s 中的角色不允许此操作",
	"only drafts can be submitted for review":                                               "只有草稿可以提交审核",
	"only articles in review or approved can be sent back":                                  "只有待审核或已审核的文章可以退回",
	"only articles in review can be approved":                                               "只有待审核的文章可以审核通过",
	"this channel requires approval by a chief editor other than the article's last writer": "本栏目要求由文章最后修改者以外的主编审核",
	"this channel requires approval first: submit it for review":                            "本栏目要求先审核：请先提交审核",
	"only approved articles (or drafts where no approval is required) can be published":     "只有已审核的文章（或无需审核栏目中的草稿）可以发布",
	"the scheduled time %s is not in the future":                                            "定时发布时间 %s 不在未来",
	"only published or scheduled articles can be unpublished":                               "只有已发布或定时发布的文章可以撤下",
	"only published articles can be retracted":                                              "只有已发布的文章可以撤回",
	"a retraction needs a note saying why":                                                  "撤回须填写说明原因",
	"only published or scheduled articles can be corrected":                                 "只有已发布或定时发布的文章可以更正",
	"a correction needs a note saying what was corrected":                                   "更正须填写更正内容说明",
	"unknown transition":                                                                    "未知的操作",
}

// refusal is a refused workflow step in the newsroom's language.
func refusal(lang string, e *news.TransitionError) string {
	zh, ok := refusalsZH[e.Format]
	if lang != "zh" || !ok {
		return e.Error()
	}
	l := labels["zh"]
	return fmt.Sprintf("无法对状态为「%s」的文章执行「%s」：%s", l["st_"+string(e.From)], transitionName(l, e.Transition), fmt.Sprintf(zh, e.Args...))
}

// transitionName is a step's name on its button.
func transitionName(l map[string]string, t news.Transition) string {
	if name, ok := l["tr_"+string(t)]; ok {
		return name
	}
	return string(t)
}
