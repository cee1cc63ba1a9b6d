package dev.hve.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses memory sizes the way QEMU's {@code -m} does: a number with an optional K, M, G or T suffix (binary units). */
final class SizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        String text = value.trim().toUpperCase(Locale.ROOT);
        if (text.endsWith("B")) {
            text = text.substring(0, text.length() - 1);
        }
        long multiplier = 1L << 20; // a bare number means MiB, as in QEMU
        if (!text.isEmpty()) {
            char suffix = text.charAt(text.length() - 1);
            int shift = switch (suffix) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> -1;
            };
            if (shift >= 0) {
                multiplier = 1L << shift;
                text = text.substring(0, text.length() - 1);
            }
        }
        try {
            long number = Long.parseLong(text);
            if (number <= 0 || number > Long.MAX_VALUE / multiplier) {
                throw new TypeConversionException("memory size out of range: '" + value + "'");
            }
            return number * multiplier;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a size such as 128M or 1G");
        }
    }
}
