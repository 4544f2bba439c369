package trace

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
)

// writePage writes a trail's page exactly as page.html renders it. html/template spent a
// reflective call on every field, function and escaper of the page (a lone lot's page, about 40
// of them, took longer than reading its trail), so the page is written here in plain Go, with
// html/template's own escaping: text and quoted attributes through the same replacement table,
// and the href values, which html/template filters and normalises as URLs, through html/template
// itself (hrefTmpl). page.html stays the page's definition: TestFastPage renders every seed page,
// in both languages, and pages of hostile text with both and compares them byte for byte.
func writePage(b *bytes.Buffer, p *PublicTrail, l string) error {
	w := pageWriter{b: b, l: l}
	b.WriteString(`<!doctype html>
<html lang="`)
	if l == "en" {
		b.WriteString("en")
	} else {
		b.WriteString("zh-CN")
	}
	b.WriteString(`">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>`)
	w.e(p.Product.Name)
	b.WriteString(" · ")
	w.t("title")
	b.WriteString(` · agritrace</title>
<link rel="stylesheet" href="/static/trace.css">
</head>
<body>
`)
	b.WriteString(sprite)
	b.WriteString("\n\n<header><a class=\"lang\" href=\"?lang=")
	w.t("switchLang")
	b.WriteString(`" id="lang-switch">`)
	w.t("switch")
	b.WriteString("</a>\n<h1 id=\"product\">")
	w.e(p.Product.Name)
	b.WriteString("</h1>\n<div class=\"sub\">")
	if p.Producer != "" {
		b.WriteString(`<span id="producer">`)
		w.e(p.Producer)
		b.WriteString("</span> · ")
	}
	w.t("lot")
	b.WriteString(` <b id="lot">`)
	if p.Product.Lot != "" {
		w.e(p.Product.Lot)
	} else {
		w.e(p.ID)
	}
	b.WriteString("</b>")
	if p.Product.Serial != "" {
		b.WriteString(" · ")
		w.t("serial")
		b.WriteString(` <b id="serial">`)
		w.e(p.Product.Serial)
		b.WriteString("</b>")
	}
	b.WriteString("</div></header>\n<main>\n<section id=\"verdict\" class=\"card verdict")
	if p.Recall != nil {
		b.WriteString(" is-recalled")
	}
	b.WriteString("\">\n")
	if r := p.Recall; r != nil {
		b.WriteString(`<div class="recall" role="alert" id="recall-banner"><svg class="ic"><use href="#i-recall"/></svg><div><b>`)
		w.t("recalled")
		b.WriteString("</b>\n<p class=\"todo\">")
		w.t("recallDo")
		w.t("recallReturn")
		b.WriteString("</p>\n<p>")
		if r.Hotline != "" {
			w.t("recallHotline")
			b.WriteString(" <a href=\"")
			if err := w.href("tel", r.Hotline); err != nil {
				return err
			}
			b.WriteString(`" id="hotline">`)
			w.e(r.Hotline)
			b.WriteString("</a>")
		} else {
			w.t("consumerLine")
			b.WriteString(` <a href="tel:12315" id="hotline">12315</a>`)
		}
		b.WriteString("</p>\n<p class=\"why\">")
		w.t("reason")
		w.t("colon")
		w.e(r.Reason)
		b.WriteString(" · ")
		w.t("recallDate")
		b.WriteString(" ")
		w.e(r.Date)
		if r.Source != "" {
			b.WriteString("<br>")
			w.t("recallOn")
			w.t("colon")
			w.e(r.Source)
		}
		b.WriteString("</p></div></div>")
	}
	b.WriteString("\n<dl class=\"kv\">\n<dt><svg class=\"ic\"><use href=\"#i-inspect\"/></svg>")
	w.t("tests")
	b.WriteString(`</dt><dd id="tests">`)
	for _, t := range p.Tests {
		b.WriteString(`<div class="line"><span class="`)
		w.e(t.Result)
		b.WriteString(`">`)
		w.t(t.Result)
		b.WriteString("</span> ")
		w.e(t.Item)
		if t.Value != 0 {
			b.WriteString(" ")
			w.e(number(t.Value))
			b.WriteString(" ")
			w.e(t.Unit)
		}
		if t.Limit != 0 {
			b.WriteString(` <span class="meta">`)
			w.t("(")
			w.t("limit")
			b.WriteString(" ")
			w.e(number(t.Limit))
			b.WriteString(" ")
			w.e(t.Unit)
			w.t(")")
			b.WriteString("</span>")
		}
		b.WriteString(` <span class="meta">· `)
		w.e(t.Date)
		b.WriteString("</span>")
		if t.Of != "" {
			b.WriteString(` <span class="meta">· `)
			w.e(t.Of)
			b.WriteString("</span>")
		}
		b.WriteString("</div>")
	}
	if len(p.Tests) == 0 {
		b.WriteString(`<span class="meta">`)
		w.t("noTests")
		b.WriteString("</span>")
	}
	b.WriteString("</dd>\n<dt><svg class=\"ic\"><use href=\"#i-certify\"/></svg>")
	w.t("certs")
	b.WriteString(`</dt><dd id="certs">`)
	for _, c := range p.Certificates {
		b.WriteString(`<div class="line cert" data-cert="`)
		w.e(c.ID)
		b.WriteString(`" data-status="`)
		w.e(c.Status)
		b.WriteString(`"><span class="`)
		if c.Status == "active" {
			b.WriteString("pass")
		} else {
			b.WriteString("fail")
		}
		b.WriteString(`">`)
		w.e(c.StatusLabel)
		b.WriteString("</span> ")
		w.e(c.SchemeLabel)
		if c.Issuer != "" {
			b.WriteString(` <span class="meta">· `)
			w.e(c.Issuer)
			b.WriteString("</span>")
		}
		if c.ValidUntil != "" && c.Status == "active" {
			b.WriteString(` <span class="meta">· `)
			w.t("validUntil")
			b.WriteString(" ")
			w.e(c.ValidUntil)
			b.WriteString("</span>")
		}
		b.WriteString(` <span class="meta code">`)
		w.e(c.ID)
		b.WriteString("</span>")
		if d := c.Document; d != nil && d.URI != "" {
			b.WriteString(` <a href="`)
			if err := w.href("", d.URI); err != nil {
				return err
			}
			b.WriteString(`">`)
			w.e(d.Name)
			b.WriteString("</a>")
		}
		b.WriteString("</div>")
	}
	if len(p.Certificates) == 0 {
		b.WriteString(`<span class="meta">—</span>`)
	}
	b.WriteString("</dd>\n<dt><svg class=\"ic\"><use href=\"#i-recall\"/></svg>")
	w.t("recall")
	b.WriteString(`</dt><dd id="recall-line">`)
	if p.Recall != nil {
		b.WriteString(`<span class="fail">`)
		w.t("status-recalled")
		b.WriteString("</span> ")
		w.e(p.Recall.Date)
	} else {
		b.WriteString(`<span class="pass">`)
		w.t("noRecall")
		b.WriteString("</span>")
	}
	b.WriteString("</dd>\n<dt><svg class=\"ic\"><use href=\"#i-produce\"/></svg>")
	if len(p.Origins) > 1 {
		w.t("origins")
	} else {
		w.t("origin")
	}
	b.WriteString(`</dt><dd id="origin">`)
	for _, o := range p.OriginLines {
		b.WriteString(`<div class="line origin">`)
		w.e(o)
		b.WriteString("</div>")
	}
	if len(p.OriginLines) == 0 {
		b.WriteString(`<span class="meta">—</span>`)
	}
	b.WriteString("</dd>\n")
	if m := p.Made; m != nil {
		b.WriteString("<dt>")
		w.t(m.Kind)
		b.WriteString(`</dt><dd id="made">`)
		w.e(m.Date)
		if p.ShelfLife != "" {
			b.WriteString(" · ")
			w.t("shelfLife")
			b.WriteString(" ")
			w.e(p.ShelfLife)
			b.WriteString(` <span class="meta">(`)
			w.t("bestBefore")
			b.WriteString(" ")
			w.e(p.BestBefore)
			b.WriteString(")</span>")
		}
		b.WriteString("</dd>")
	}
	b.WriteString("\n")
	switch {
	case p.Package != "":
		b.WriteString("<dt>")
		w.t("package")
		b.WriteString(`</dt><dd id="package">`)
		w.e(p.Package)
		w.also(p.Product.Variety)
		if p.Product.Grade != "" {
			b.WriteString(" ")
			w.e(p.Product.Grade)
		}
		b.WriteString("</dd>")
	case p.Product.Variety != "":
		b.WriteString("<dt>")
		w.t("variety")
		b.WriteString("</dt><dd>")
		w.e(p.Product.Variety)
		b.WriteString(" ")
		w.e(p.Product.Grade)
		b.WriteString("</dd>")
	}
	b.WriteString("\n<dt>")
	w.t("status")
	b.WriteString(`</dt><dd id="status" data-status="`)
	w.e(p.Status)
	b.WriteString(`">`)
	w.e(p.StatusLabel)
	b.WriteString("</dd>\n</dl></section>\n<section class=\"card\" id=\"journey\"><h2>")
	w.t("journey")
	b.WriteString("</h2>\n")
	if p.Truncated {
		b.WriteString(`<p class="meta">`)
		w.t("truncated")
		b.WriteString("</p>")
	}
	b.WriteString("\n<ol class=\"tl\">\n")
	for _, j := range p.Journey {
		b.WriteString(`<li class="step st-`)
		w.e(j.Stage)
		b.WriteString(`" data-stage="`)
		w.e(j.Stage)
		b.WriteString(`"><span class="badge"><svg class="ic"><use href="`)
		if err := w.href("#i-", j.Stage); err != nil {
			return err
		}
		b.WriteString("\"/></svg></span>\n<h3>")
		w.e(j.Title)
		b.WriteString(`</h3><div class="meta">`)
		w.e(j.Date)
		b.WriteString(" · ")
		w.e(strings.Join(j.Actors, "、"))
		b.WriteString("</div>\n")
		for _, pl := range j.Places {
			b.WriteString(`<div class="meta place">`)
			w.e(pl)
			b.WriteString("</div>")
		}
		b.WriteString("\n")
		for _, ln := range j.Lines {
			b.WriteString(`<p class="sum">`)
			w.e(ln)
			b.WriteString("</p>")
		}
		b.WriteString("\n")
		w.details(j.Details)
		b.WriteString("\n</li>\n")
	}
	b.WriteString("</ol>\n")
	if p.Folded != 0 {
		b.WriteString(`<p class="meta">`)
		b.WriteString(strconv.Itoa(p.Folded))
		b.WriteString(" ")
		w.t("folded")
		b.WriteString("</p>")
	}
	b.WriteString("</section>\n<details class=\"card proof\" id=\"proof\"><summary><h2>")
	w.t("proof")
	b.WriteString(` <span class="meta">(`)
	b.WriteString(strconv.Itoa(len(p.Steps)))
	b.WriteString(")</span></h2></summary>\n<p class=\"meta\">")
	w.t("proofHelp")
	b.WriteString("</p>\n<ol class=\"records\">")
	for i := range p.Steps {
		if err := w.step(&p.Steps[i]); err != nil {
			return err
		}
	}
	b.WriteString("</ol></details>\n<footer>")
	w.t("asOf")
	b.WriteString(" #")
	b.WriteString(strconv.FormatUint(p.LedgerBlock, 10))
	b.WriteString(" · Hyperledger Fabric · agritrace")
	if p.Product.GTIN != "" {
		b.WriteString(" · ")
		w.t("gtin")
		b.WriteString(" ")
		w.e(p.Product.GTIN)
	}
	b.WriteString("</footer>\n</main>\n")
	b.WriteString(pageTail)
	return nil
}

// step writes one record of the ledger proof.
func (w pageWriter) step(s *PublicStep) error {
	b := w.b
	b.WriteString(`<li class="rec" data-type="`)
	w.e(s.Type)
	b.WriteString(`" data-icon="`)
	w.e(s.Icon)
	b.WriteString(`" data-stage="`)
	w.e(s.Stage)
	b.WriteString(`"><span class="ricon ic-`)
	w.e(s.Icon)
	b.WriteString(`"><svg class="ic"><use href="`)
	if err := w.href("#i-", s.Icon); err != nil {
		return err
	}
	b.WriteString("\"/></svg></span>\n<div><b>")
	w.e(s.TypeLabel)
	b.WriteString(`</b> <span class="meta">`)
	w.e(day(s.Time))
	b.WriteString(" · ")
	w.e(s.Actor)
	w.also(s.Place)
	b.WriteString("</span>\n")
	if s.DeclaredErroneous != "" {
		b.WriteString(`<div class="fail declared" data-declared="`)
		w.e(s.DeclaredErroneous)
		b.WriteString(`">`)
		w.t("declaredError")
		b.WriteString("</div>")
	}
	b.WriteString("\n")
	if s.Summary != "" {
		b.WriteString(`<div class="sum">`)
		w.e(s.Summary)
		b.WriteString("</div>")
	}
	b.WriteString("\n")
	if in := s.Inspection; in != nil {
		b.WriteString(`<div class="sum">`)
		w.e(testName(in.Item, w.l))
		if in.Value != 0 {
			b.WriteString(" ")
			w.e(number(in.Value))
			b.WriteString(" ")
			w.e(in.Unit)
		}
		if in.Limit != 0 {
			b.WriteString(" (")
			w.t("limit")
			b.WriteString(" ")
			w.e(number(in.Limit))
			b.WriteString(" ")
			w.e(in.Unit)
			b.WriteString(")")
		}
		b.WriteString(` <span class="`)
		w.e(in.Result)
		b.WriteString(`">`)
		w.t(in.Result)
		b.WriteString("</span>")
		w.also(in.Standard)
		w.also(in.Lab)
		b.WriteString("</div>")
	}
	b.WriteString("\n")
	if c := s.Certificate; c != nil {
		b.WriteString(`<div class="sum">`)
		if l, ok := schemeLabels[c.Type]; ok {
			w.e(l[idx(w.l)])
		} else {
			w.e(c.Type)
		}
		b.WriteString(" ")
		w.e(c.ID)
		w.also(c.Issuer)
		b.WriteString("</div>")
	}
	b.WriteString("\n")
	w.details(s.Details)
	b.WriteString("\n")
	for _, d := range s.Documents {
		b.WriteString(`<div class="hash">`)
		w.t("document")
		b.WriteString(" ")
		if d.URI != "" {
			b.WriteString(`<a href="`)
			if err := w.href("", d.URI); err != nil {
				return err
			}
			b.WriteString(`">`)
			w.e(d.Name)
			b.WriteString("</a>")
		} else {
			w.e(d.Name)
		}
		b.WriteString(` · sha256 <code title="`)
		w.e(d.SHA256)
		b.WriteString(`">`)
		w.e(d.SHA256[:min(12, len(d.SHA256))])
		b.WriteString("…</code></div>")
	}
	b.WriteString("\n<div class=\"hash\">")
	w.t("block")
	b.WriteString(" #")
	b.WriteString(strconv.FormatUint(s.Block, 10))
	b.WriteString(" · ")
	w.t("tx")
	b.WriteString(` <code title="`)
	w.e(s.TxID)
	b.WriteString(`">`)
	w.e(s.TxID[:min(12, len(s.TxID))])
	b.WriteString("…</code></div></div></li>\n")
	return nil
}

// details writes a record's or a step's public attributes.
func (w pageWriter) details(ds []Detail) {
	if len(ds) == 0 {
		return
	}
	w.b.WriteString(`<ul class="det">`)
	for _, d := range ds {
		w.b.WriteString("<li>")
		w.e(d.Label)
		w.b.WriteString(" ")
		w.e(d.Value)
		if d.Unit != "" {
			w.b.WriteString(" ")
			w.e(d.Unit)
		}
		w.b.WriteString("</li>")
	}
	w.b.WriteString("</ul>")
}

type pageWriter struct {
	b *bytes.Buffer
	l string
}

// htmlEscaper is html/template's escaping of text and quoted attribute values (its
// htmlReplacementTable): the same bytes as page.html produces.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// e writes s escaped for HTML text or a quoted attribute.
func (w pageWriter) e(s string) { _, _ = htmlEscaper.WriteString(w.b, s) }

// t writes the translation of key, escaped.
func (w pageWriter) t(key string) { w.e(tr(w.l, key)) }

// also writes " · " and s escaped, when s is not empty: the page's way of adding an optional
// detail to a line.
func (w pageWriter) also(s string) {
	if s != "" {
		w.b.WriteString(" · ")
		w.e(s)
	}
}

// hrefTmpl holds page.html's href forms, so their values are filtered and escaped as URLs by
// html/template itself: a link from the ledger (a document's URI) must never become a script.
var hrefTmpl = template.Must(template.New("").Parse(`{{define "tel"}}<a href="tel:{{.}}">{{end}}{{define ""}}<a href="{{.}}">{{end}}{{define "#i-"}}<use href="#i-{{.}}"/>{{end}}`))

// hrefPrefix and hrefSuffix are the text around the value in each hrefTmpl form.
var hrefPrefix = map[string]string{"tel": `<a href="tel:`, "": `<a href="`, "#i-": `<use href="#i-`}

// href writes the value of an href attribute of form (a name in hrefTmpl) holding v. Symbol
// names (#i-produce) are plain letters, the same escaped or not, and skip the template.
func (w pageWriter) href(form, v string) error {
	if form == "#i-" && isLetters(v) {
		w.b.WriteString("#i-")
		w.b.WriteString(v)
		return nil
	}
	var out bytes.Buffer
	if err := hrefTmpl.ExecuteTemplate(&out, form, v); err != nil {
		return err
	}
	s := strings.TrimPrefix(out.String(), hrefPrefix[form])
	s = s[:strings.LastIndexByte(s, '"')]
	switch form {
	case "tel":
		w.b.WriteString("tel:")
	case "#i-":
		w.b.WriteString("#i-")
	}
	w.b.WriteString(s)
	return nil
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// sprite and pageTail are page.html's static text: the icons' symbols and what follows the page.
var sprite, pageTail = func() (string, string) {
	start := strings.Index(pageHTML, "<svg class=\"sprite\"")
	end := strings.Index(pageHTML, "</svg>\n{{if .OK}}") + len("</svg>")
	tail := pageHTML[strings.LastIndex(pageHTML, "{{end}}")+len("{{end}}"):]
	return pageHTML[start:end], tail
}()
