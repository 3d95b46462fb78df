# gen-data.pl DIR KIB ROWS: the data of workload (f) (real-programs):
# DIR/text, KIB KiB of sentences in a made-up language whose words repeat
# with a skewed frequency like a real text's, and DIR/rows.csv, ROWS sales
# records for sqlite3. A fixed linear congruential generator: the same
# bytes every run.
use strict;
use warnings;

my ($dir, $kib, $rows) = @ARGV;
my $x = 20261202;

my @syllables = qw(ka lo mi ne su ta ri po an el or un is ve da go);
my @words;
for (1 .. 3000) {
	my $w = '';
	for (0 .. $x % 4) {
		$x = ($x * 1103515245 + 12345) & 0x7fffffff;
		$w .= $syllables[$x >> 27];
	}
	push @words, $w;
}
# a word for each 12-bit draw: word i with probability growing as i shrinks
my @pick = map { $words[int(@words * ($_ / 4096) ** 3)] } 0 .. 4095;

open my $text, '>', "$dir/text" or die "text: $!";
my $size = 0;
while ($size < $kib * 1024) {
	$x = ($x * 1103515245 + 12345) & 0x7fffffff;
	my @line;
	push @line, $pick[($x = ($x * 1103515245 + 12345) & 0x7fffffff) >> 19] for 0 .. 5 + ($x >> 28);
	push @line, ($x >> 8) % 10000 if ($x >> 29) == 0;
	my $line = ucfirst(join ' ', @line) . ".\n";
	print $text $line;
	$size += length $line;
}
close $text or die "text: $!";

my @regions = qw(north south east west centre);
open my $csv, '>', "$dir/rows.csv" or die "rows.csv: $!";
for my $id (1 .. $rows) {
	$x = ($x * 1103515245 + 12345) & 0x7fffffff;
	printf $csv "%d,%s,%s,%d,%d.%02d\n", $id, $words[($x >> 16) % 500],
		$regions[($x >> 25) % 5], 1 + ($x >> 11) % 20, ($x >> 6) % 500, ($x >> 13) % 100;
}
close $csv or die "rows.csv: $!";
