# wordfreq.pl FILE: a text report on FILE, the kind of work perl scripts
# do on logs: words counted in a hash, the most frequent, numbers summed,
# a pattern matched and a substitution, words sorted by length. Prints
# "real: perl: ..." lines (workload (f), real-programs).
use strict;
use warnings;

my (%count, $lines, $words, $numbers, $sum, $matches);
$lines = $words = $numbers = $sum = $matches = 0;
open my $f, '<', $ARGV[0] or die "$ARGV[0]: $!";
while (my $line = <$f>) {
	$lines++;
	chomp $line;
	$line =~ s/\.$//;
	for my $w (split / /, $line) {
		if ($w =~ /^\d+$/) {
			$numbers++;
			$sum += $w;
			next;
		}
		$w = lc $w;
		$count{$w}++;
		$words++;
		$matches++ if $w =~ /^(ka|lo|mi).*(an|el|or)$/;
	}
}
close $f;

my @by_count = sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count;
my @by_length = sort { length($b) <=> length($a) || $a cmp $b } keys %count;
my $vowels = 0;
for my $w (@by_length) {
	(my $v = $w) =~ tr/aeiou//cd;
	$vowels += length($v) * $count{$w};
}
print "real: perl: $lines lines, $words words (", scalar(@by_count),
	" distinct), $numbers numbers summing to $sum\n";
print "real: perl: most frequent ", join(' ', map { "$_=$count{$_}" } @by_count[0 .. 7]), "\n";
print "real: perl: longest $by_length[0], $matches words match, $vowels vowels\n";
