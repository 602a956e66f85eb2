// The oracle AUC of a generated lake, pooled over month-end snapshots (docs/churn-model.md, "Since 2026-12-07"):
// every paying customer on each of the last N month-ends whose 90-day horizon has passed, ranked by
// ChurnHazards.probability (the lake-visible oracle) and hazardProbability. Run against the generator jar:
//   mvn -q -o package -pl generator -DskipTests
//   CP="$(ls generator/target/churnscope-generator-*.jar | grep -v sources):$(find ~/.m2 -name 'jackson-*-2*.jar' | tr '\n' :)"
//   jshell --class-path "$CP" -R-Dlake=LAKE -R-Dend=2026-10-31 -R-Dcutoffs=12 bench/oracle-auc.jsh
import io.churnscope.generator.ChurnHazards;
import java.nio.file.*;
import java.time.LocalDate;
import java.util.*;
String lake = System.getProperty("lake");
ChurnHazards h = ChurnHazards.read(lake);
List<String> lines = Files.readAllLines(Path.of(lake, "_generator", "churn_hazards.csv"));
Map<String, LocalDate> start = new HashMap<>(); Map<String, LocalDate> churn = new HashMap<>();
for (String l : lines.subList(1, lines.size())) { String[] v = l.split(",", -1); start.putIfAbsent(v[0], LocalDate.parse(v[1])); if (!v[9].isEmpty()) churn.put(v[0], LocalDate.parse(v[9])); }
LocalDate end = LocalDate.parse(System.getProperty("end"));
int cutoffs = Integer.getInteger("cutoffs");
List<Double> sc = new ArrayList<>(); List<Double> hz = new ArrayList<>(); List<Boolean> y = new ArrayList<>();
LocalDate s = end.minusDays(90).withDayOfMonth(1).minusDays(1);
for (int i = 0; i < cutoffs; i++, s = s.withDayOfMonth(1).minusDays(1)) {
  for (var e : start.entrySet()) { LocalDate c = churn.get(e.getKey()); if (e.getValue().isAfter(s) || (c != null && !c.isAfter(s))) continue;
    sc.add(h.probability(e.getKey(), s, 90)); hz.add(h.hazardProbability(e.getKey(), s, 90)); y.add(c != null && !c.isAfter(s.plusDays(90))); }
}
boolean[] yy = new boolean[y.size()]; for (int i = 0; i < yy.length; i++) yy[i] = y.get(i);
System.out.printf("%d snapshots, %d positive: oracle %.3f, hazard only %.3f%n", yy.length, y.stream().filter(b -> b).count(),
  ChurnHazards.auc(sc.stream().mapToDouble(d -> d).toArray(), yy), ChurnHazards.auc(hz.stream().mapToDouble(d -> d).toArray(), yy));
/exit
