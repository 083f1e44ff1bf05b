package jinja

import (
	"errors"
	"math/rand/v2"
	"strings"
)

// loremWords are Jinja2's LOREM_IPSUM_WORDS.
var loremWords = strings.Fields(`a ac accumsan ad adipiscing aenean aliquam aliquet amet ante aptent arcu at
auctor augue bibendum blandit class commodo condimentum congue consectetuer
consequat conubia convallis cras cubilia cum curabitur curae cursus dapibus
diam dictum dictumst dignissim dis dolor donec dui duis egestas eget eleifend
elementum elit enim erat eros est et etiam eu euismod facilisi facilisis fames
faucibus felis fermentum feugiat fringilla fusce gravida habitant habitasse hac
hendrerit hymenaeos iaculis id imperdiet in inceptos integer interdum ipsum
justo lacinia lacus laoreet lectus leo libero ligula litora lobortis lorem
luctus maecenas magna magnis malesuada massa mattis mauris metus mi molestie
mollis montes morbi mus nam nascetur natoque nec neque netus nibh nisi nisl non
nonummy nostra nulla nullam nunc odio orci ornare parturient pede pellentesque
penatibus per pharetra phasellus placerat platea porta porttitor posuere
potenti praesent pretium primis proin pulvinar purus quam quis quisque rhoncus
ridiculus risus rutrum sagittis sapien scelerisque sed sem semper senectus sit
sociis sociosqu sodales sollicitudin suscipit suspendisse taciti tellus tempor
tempus tincidunt torquent tortor tristique turpis ullamcorper ultrices
ultricies urna ut varius vehicula vel velit venenatis vestibulum vitae vivamus
viverra volutpat vulputate`)

// lipsumFunc is lipsum(n=5, html=True, min=20, max=100): n paragraphs of
// random lorem ipsum, as Jinja2 generates them (the words differ from run
// to run, as they do in Jinja2).
func lipsumFunc(s *State, a Args) (Value, error) {
	args, err := a.Bind("lipsum", 0, "n", "html", "min", "max")
	if err != nil {
		return nil, err
	}
	ints := [4]int64{5, 1, 20, 100}
	for i, v := range args {
		switch x := Or(v, nil).(type) {
		case nil:
		case int64:
			ints[i] = x
		case bool:
			ints[i] = 0
			if x {
				ints[i] = 1
			}
		default:
			return nil, errors.New("lipsum() arguments must be integers")
		}
	}
	n, html, lo, hi := ints[0], ints[1] != 0, ints[2], ints[3]
	if lo >= hi {
		return nil, pyErr("empty range for randrange() (" + Repr(lo) + ", " + Repr(hi) + ", " + Repr(hi-lo) + ")")
	}
	// a word is at most 13 bytes with its punctuation and space
	if n < 0 {
		n = 0
	}
	if n > 0 && hi > int64(s.limits.MaxValueBytes)/14/n {
		return nil, s.CheckBytes("lipsum", -1)
	}
	if err := s.CheckBytes("lipsum", int(n*hi*14+n*8)); err != nil {
		return nil, err
	}
	paras := make([]string, 0, n)
	for range n {
		var b strings.Builder
		nextCap := true
		lastComma, lastStop := 0, 0
		last := ""
		count := int(lo + rand.Int64N(hi-lo))
		for idx := range count {
			word := last
			for word == last {
				word = loremWords[rand.IntN(len(loremWords))]
			}
			last = word
			if nextCap {
				word = strings.ToUpper(word[:1]) + word[1:]
				nextCap = false
			}
			if idx-(3+rand.IntN(5)) > lastComma {
				lastComma = idx
				lastStop += 2
				word += ","
			}
			if idx-(10+rand.IntN(10)) > lastStop {
				lastComma, lastStop = idx, idx
				word += "."
				nextCap = true
			}
			if idx > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word)
		}
		p := b.String()
		switch {
		case strings.HasSuffix(p, ","):
			p = p[:len(p)-1] + "."
		case !strings.HasSuffix(p, "."):
			p += "."
		}
		paras = append(paras, p)
	}
	if !html {
		return strings.Join(paras, "\n\n"), nil
	}
	for i, p := range paras {
		paras[i] = "<p>" + p + "</p>"
	}
	return strings.Join(paras, "\n"), nil
}
