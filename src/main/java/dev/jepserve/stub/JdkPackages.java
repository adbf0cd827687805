package dev.jepserve.stub;

import jep.ClassEnquirer;

import java.util.HashSet;
import java.util.Set;

/**
 * What Jep's Java import hook ({@code from java.util import ArrayList}) sees as Java packages in a stub: the
 * JDK's, read from the boot module layer. Jep's default (its ClassList) also lists every package of the class
 * path, by reading all 13,000 entries of the jar when the interpreter starts: about 0.1 s of CPU per stub, for
 * packages no model imports. The hook asks on every Python import, so the answer is a set lookup.
 */
final class JdkPackages implements ClassEnquirer {
    private final Set<String> packages = new HashSet<>();

    JdkPackages() {
        for (Module module : ModuleLayer.boot().modules()) {
            for (String name : module.getPackages()) {
                // "java.util.concurrent" makes "java.util" and "java" packages too.
                for (String prefix = name; packages.add(prefix) && prefix.indexOf('.') > 0;
                     prefix = prefix.substring(0, prefix.lastIndexOf('.'))) {
                    // added
                }
            }
        }
    }

    @Override
    public boolean isJavaPackage(String name) {
        return packages.contains(name);
    }

    /** Not listed (dir() of a Java package shows only what was imported from it). */
    @Override
    public String[] getClassNames(String packageName) {
        return new String[0];
    }

    @Override
    public String[] getSubPackages(String packageName) {
        String prefix = packageName + ".";
        return packages.stream().filter(name -> name.startsWith(prefix) && name.indexOf('.', prefix.length()) < 0)
                .map(name -> name.substring(prefix.length())).sorted().toArray(String[]::new);
    }
}
