package org.jmaster.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * NAME
 *     Charts - bar charts of a run's medians, Postfix's master beside jmaster, as PNG
 * DESCRIPTION
 *     One chart per question a reader asks of the mail benchmark: messages/s, p99 latency and
 *     the master's CPU per message, each for right after start and for 1, 10 and 50 sessions
 *     warm. Drawn with Java 2D (headless; needs a font, which Debian's fonts-dejavu-core gives)
 *     from the figures the run recorded, so that bench/run makes them from its own data.
 */
final class Charts {
    private static final Color POSTFIX = new Color(0x4e79a7);
    private static final Color JMASTER = new Color(0xf28e2b);
    private static final int WIDTH = 760;
    private static final int HEIGHT = 400;

    private Charts() {
    }

    /** Writes the mail charts into dir; figures are the run's, by name, then master, then repetitions. */
    static List<Path> write(Map<String, Map<String, List<Double>>> figures, Function<List<Double>, Double> median, Path dir)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<String> groups = List.of("right after start, 20 sessions", "warm, 1 sessions", "warm, 10 sessions",
                "warm, 50 sessions");
        List<String> labels = List.of("after start (20)", "warm, 1", "warm, 10", "warm, 50");
        List<Path> written = new ArrayList<>();
        for (String[] chart : new String[][] {
                {"mail-messages-per-second.png", "messages/s", "Messages per second, smtp-source to mailbox (higher is better)"},
                {"mail-latency-p99.png", "latency p99 ms", "Submission to mailbox, p99 ms (lower is better)"},
                {"mail-master-cpu-per-message.png", "master CPU µs/message", "The master's CPU per message, µs (lower is better)"}}) {
            double[][] values = new double[groups.size()][2];
            boolean any = false;
            for (int g = 0; g < groups.size(); g++) {
                Map<String, List<Double>> figure = figures.get("mail, " + groups.get(g) + ": " + chart[1]);
                for (int m = 0; m < 2 && figure != null; m++) {
                    Double value = median.apply(figure.get(m == 0 ? "postfix" : "jmaster"));
                    values[g][m] = value == null ? Double.NaN : value;
                    any |= value != null;
                }
            }
            if (any) {
                Path file = dir.resolve(chart[0]);
                ImageIO.write(bars(chart[2], labels, values), "png", file.toFile());
                written.add(file);
            }
        }
        return written;
    }

    /** A grouped bar chart: one group per label, a Postfix bar and a jmaster bar in each, values on top. */
    private static BufferedImage bars(String title, List<String> labels, double[][] values) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 20, 28);
        int left = 60;
        int right = WIDTH - 20;
        int top = 60;
        int bottom = HEIGHT - 50;
        double max = 0;
        for (double[] group : values) {
            for (double v : group) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = max <= 0 ? 1 : max * 1.15;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics metrics = g.getFontMetrics();
        g.setColor(new Color(0xdddddd));
        for (int i = 1; i <= 4; i++) {
            int y = bottom - (bottom - top) * i / 4;
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String tick = format(max * i / 4);
            g.drawString(tick, left - 6 - metrics.stringWidth(tick), y + 4);
            g.setColor(new Color(0xdddddd));
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, bottom, right, bottom);
        int groupWidth = (right - left) / labels.size();
        int bar = groupWidth / 3;
        for (int i = 0; i < labels.size(); i++) {
            int x = left + i * groupWidth + groupWidth / 6;
            for (int m = 0; m < 2; m++) {
                double v = values[i][m];
                if (Double.isNaN(v)) {
                    continue;
                }
                int h = (int) Math.round((bottom - top) * v / max);
                g.setColor(m == 0 ? POSTFIX : JMASTER);
                g.fillRect(x + m * bar, bottom - h, bar - 4, h);
                g.setColor(Color.BLACK);
                String text = format(v);
                g.drawString(text, x + m * bar + (bar - 4 - metrics.stringWidth(text)) / 2, bottom - h - 4);
            }
            String label = labels.get(i);
            g.drawString(label, left + i * groupWidth + (groupWidth - metrics.stringWidth(label)) / 2, bottom + 18);
        }
        int legend = HEIGHT - 18;
        g.setColor(POSTFIX);
        g.fillRect(left, legend - 10, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("Postfix's master", left + 18, legend);
        g.setColor(JMASTER);
        g.fillRect(left + 150, legend - 10, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("jmaster", left + 168, legend);
        g.dispose();
        return image;
    }

    private static String format(double v) {
        return v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }
}
