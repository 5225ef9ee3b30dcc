package site

// labels are the interface texts of the portal per language. The article
// labels follow the house style of Chinese government portals: the Chinese
// ones end in a full-width colon.
var labels = map[string]map[string]string{
	"en": {
		"home":             "Home",
		"release":          "Release Date:",
		"source":           "Source:",
		"editor":           "Editor: ",
		"registration":     "Registration number:",
		"breadcrumb":       "Breadcrumb",
		"channels":         "Channels",
		"footer":           "Site information",
		"skip":             "Skip to content",
		"latest":           "Latest news",
		"more":             "More",
		"empty":            "No articles have been published here yet.",
		"page_of":          "Page %d of %d",
		"prev":             "Previous page",
		"next":             "Next page",
		"pagination":       "Pages",
		"tags":             "Tags:",
		"notfound":         "Page not found",
		"notfound_text":    "The page you asked for does not exist or is no longer available.",
		"error":            "Something went wrong",
		"error_text":       "The page could not be shown. Please try again in a moment.",
		"goto_home":        "Go to the home page",
		"other_lang":       "中文",
		"other_lang_title": "中文版",
		"badrequest":       "Bad request",
		"badrequest_text":  "The address of this page is not valid.",
	},
	"zh": {
		"home":             "首页",
		"release":          "发布时间：",
		"source":           "来源：",
		"editor":           "责任编辑：",
		"registration":     "备案号：",
		"breadcrumb":       "当前位置",
		"channels":         "栏目",
		"footer":           "网站信息",
		"skip":             "跳到正文",
		"latest":           "最新消息",
		"more":             "更多",
		"empty":            "本栏目暂无文章。",
		"page_of":          "第 %d 页，共 %d 页",
		"prev":             "上一页",
		"next":             "下一页",
		"pagination":       "分页",
		"tags":             "标签：",
		"notfound":         "页面不存在",
		"notfound_text":    "您访问的页面不存在或已被删除。",
		"error":            "出错了",
		"error_text":       "页面暂时无法显示，请稍后再试。",
		"goto_home":        "返回首页",
		"other_lang":       "English",
		"other_lang_title": "English edition",
		"badrequest":       "请求无效",
		"badrequest_text":  "此页面地址无效。",
	},
}

// label returns the text of key in lang, falling back to English.
func label(lang, key string) string {
	if s, ok := labels[lang][key]; ok {
		return s
	}
	return labels["en"][key]
}
