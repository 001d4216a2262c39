set terminal pngcairo size 900,520 font "sans,10"
set output "latency.png"
set title "Post → delivery latency against offered load (rooms of 10, durable)"
set xlabel "offered posts per second"
set ylabel "latency (ms, log scale)"
set logscale y
set grid
set key top left
plot "latency.dat" index 0 using 1:3 with linespoints title "SQLite p99", \
     "" index 0 using 1:2 with linespoints dashtype 2 title "SQLite p50", \
     "" index 1 using 1:3 with linespoints title "MariaDB p99", \
     "" index 1 using 1:2 with linespoints dashtype 2 title "MariaDB p50", \
     "" index 2 using 1:3 with linespoints title "Node ws (no storage) p99", \
     "" index 2 using 1:2 with linespoints dashtype 2 title "Node ws (no storage) p50"
