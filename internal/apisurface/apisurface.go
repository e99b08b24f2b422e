// Package apisurface counts the exported identifiers of the module's public packages, the
// measure of issue 18's budget: top-level exported names (functions, types, variables,
// constants) and the exported methods of exported types, in non-test files of packages outside
// internal/, cmd/ and examples/, and in the public module harness/localstackcontainer (not in
// e2e, the module of the end-to-end tests). Struct fields are not counted.
package apisurface

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Package is the count of one package.
type Package struct {
	Path     string   // directory, relative to the module root
	Names    []string // exported identifiers, "T.M" for methods, sorted
	LongDocs []string // exported identifiers whose doc comment is over MaxDocLines lines, "name (n lines)"
}

// MaxDocLines is the longest doc comment of an exported identifier: tables, figures and
// tutorials belong in README.md, ARCHITECTURE.md or bench/README.md.
const MaxDocLines = 5

// Count walks the module rooted at root and its public nested modules (skipping e2e) and counts
// each public package.
func Count(root string) ([]Package, error) {
	byDir := map[string]map[string]bool{}
	longDocs := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			base := d.Name()
			if rel != "." && (base == "internal" || base == "cmd" || base == "examples" || base == "testdata" ||
				strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") || (base == "e2e" && hasFile(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		dir := filepath.Dir(rel)
		if byDir[dir] == nil {
			byDir[dir] = map[string]bool{}
		}
		for _, n := range exported(f) {
			byDir[dir][n] = true
		}
		longDocs[dir] = append(longDocs[dir], longDocsOf(fset, f)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Package
	for dir, names := range byDir {
		p := Package{Path: filepath.ToSlash(dir)}
		for n := range names {
			p.Names = append(p.Names, n)
		}
		sort.Strings(p.Names)
		p.LongDocs = longDocs[dir]
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func hasFile(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

// exported lists the exported identifiers a file declares.
func exported(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				names = append(names, d.Name.Name)
				continue
			}
			if recv := receiverName(d.Recv.List[0].Type); ast.IsExported(recv) {
				names = append(names, recv+"."+d.Name.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					names = append(names, s.Name.Name)
					if it, ok := s.Type.(*ast.InterfaceType); ok {
						for _, m := range it.Methods.List {
							for _, n := range m.Names {
								if n.IsExported() {
									names = append(names, s.Name.Name+"."+n.Name)
								}
							}
						}
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	return names
}

func receiverName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverName(e.X)
	case *ast.IndexExpr:
		return receiverName(e.X)
	case *ast.IndexListExpr:
		return receiverName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}

// longDocsOf lists the exported identifiers of f whose doc comment is over MaxDocLines lines.
func longDocsOf(fset *token.FileSet, f *ast.File) []string {
	var out []string
	check := func(name string, doc *ast.CommentGroup) {
		if doc == nil || !ast.IsExported(name) {
			return
		}
		if n := fset.Position(doc.End()).Line - fset.Position(doc.Pos()).Line + 1; n > MaxDocLines {
			out = append(out, fmt.Sprintf("%s (%d lines)", name, n))
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil {
				if recv := receiverName(d.Recv.List[0].Type); ast.IsExported(recv) {
					name = recv + "." + name
				}
			}
			if d.Name.IsExported() {
				check(name, d.Doc)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					doc := s.Doc
					if doc == nil && len(d.Specs) == 1 {
						doc = d.Doc
					}
					check(s.Name.Name, doc)
				case *ast.ValueSpec:
					doc := s.Doc
					if doc == nil && len(d.Specs) == 1 {
						doc = d.Doc
					}
					for _, n := range s.Names {
						check(n.Name, doc)
					}
				}
			}
		}
	}
	return out
}
