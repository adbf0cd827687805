package dev.jepserve.repository;

import java.util.ArrayList;
import java.util.List;

/** The model/version/status table the server prints at start, laid out like Triton's. */
public final class ModelTable {
    private ModelTable() {
    }

    public static String render(Iterable<LoadedModel> models) {
        List<String[]> rows = new ArrayList<>();
        for (LoadedModel model : models) {
            for (VersionStatus version : model.versions()) {
                // The table keeps the first line of a failure; the full text is in the log above it.
                String status = version.isReady() ? "READY" : version.state() + ": " + firstLine(version.reason());
                rows.add(new String[] {model.name(), version.version() < 0 ? "-" : Long.toString(version.version()),
                        status.strip()});
            }
        }
        String[] header = {"Model", "Version", "Status"};
        int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            widths[c] = header[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        String border = border(widths);
        out.append(border).append(line(header, widths)).append(border);
        for (String[] row : rows) {
            out.append(line(row, widths));
        }
        out.append(border);
        return out.toString();
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String border(int[] widths) {
        StringBuilder line = new StringBuilder("+");
        for (int width : widths) {
            line.append("-".repeat(width + 2)).append('+');
        }
        return line.append('\n').toString();
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            line.append(' ').append(cells[c]).append(" ".repeat(widths[c] - cells[c].length())).append(" |");
        }
        return line.append('\n').toString();
    }
}
