package org.moespark.corpus;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** The files behind the {@code --input} paths (files or directories, any Hadoop file system). */
final class InputFiles {
  /** One input file, its format, size and id-relative name (path below the input root). */
  record InputFile(String path, String relative, InputFormat format, long length) {}

  private InputFiles() {}

  static List<InputFile> expand(List<String> inputs, InputFormat forced, Configuration conf) {
    List<InputFile> files = new ArrayList<>();
    for (String input : inputs) {
      Path root = new Path(input);
      try {
        FileSystem fs = root.getFileSystem(conf);
        FileStatus st = fs.getFileStatus(root);
        if (st.isFile()) {
          files.add(file(st, st.getPath().getName(), forced));
          continue;
        }
        String rootPath = st.getPath().toString();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          String rel = f.getPath().toString().substring(rootPath.length()).replaceFirst("^/", "");
          if (!hidden(rel)) {
            files.add(file(f, rel, forced));
          }
        }
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException("--input " + input + ": no such file or directory");
      } catch (IOException e) {
        throw new UncheckedIOException("--input " + input + ": " + e.getMessage(), e);
      }
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }

  private static InputFile file(FileStatus st, String relative, InputFormat forced) {
    InputFormat format = forced == InputFormat.AUTO ? InputFormat.of(st.getPath().getName()) : forced;
    return new InputFile(st.getPath().toString(), relative, format, st.getLen());
  }

  /** Spark/Hadoop side files (_SUCCESS, .crc, _temporary) are not input. */
  private static boolean hidden(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
