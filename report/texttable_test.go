package report

import (
	"strings"
	"testing"
)

func TestWriteDestinations(t *testing.T) {
	v := &view{
		Header: []string{"destination", "role", "total", "completed", "unanswered", "pending", "refused", "unreachable", "synack-no-ack", "wrong-source"},
		Rows: [][]string{
			{"192.0.2.10:443", "likely VIP", "3", "0", "3", "0", "0", "0", "0", "0"},
			{"10.0.0.5:443", "host address", "4", "4", "0", "0", "0", "0", "0", "0"},
		},
	}
	whole := `+----------------+--------------+-------+-----------+------------+---------+---------+-------------+---------------+--------------+
| destination    | role         | total | completed | unanswered | pending | refused | unreachable | synack-no-ack | wrong-source |
+----------------+--------------+-------+-----------+------------+---------+---------+-------------+---------------+--------------+
| 192.0.2.10:443 |   likely VIP |     3 |         0 |          3 |       0 |       0 |           0 |             0 |            0 |
|   10.0.0.5:443 | host address |     4 |         4 |          0 |       0 |       0 |           0 |             0 |            0 |
+----------------+--------------+-------+-----------+------------+---------+---------+-------------+---------------+--------------+
`
	narrow := `+----------------+--------------+-------+-----------+------------+
| destination    | role         | total | completed | unanswered |
+----------------+--------------+-------+-----------+------------+
| 192.0.2.10:443 |   likely VIP |     3 |         0 |          3 |
|   10.0.0.5:443 | host address |     4 |         4 |          0 |
+----------------+--------------+-------+-----------+------------+
Not shown, 0 for every destination: pending, refused, unreachable, synack-no-ack, wrong-source.
`
	lines := `- 192.0.2.10:443, likely VIP: total 3, unanswered 3
- 10.0.0.5:443, host address: total 4, completed 4
`
	for _, c := range []struct {
		width int
		want  string
	}{
		{200, whole},
		{131, whole},
		{130, narrow},
		{0, narrow}, // DefaultWidth
		{66, narrow},
		{65, lines},
	} {
		var b strings.Builder
		if err := writeDestinations(&b, v, c.width, English); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("width %d:\n%s\nwant:\n%s", c.width, b.String(), c.want)
		}
	}
}
