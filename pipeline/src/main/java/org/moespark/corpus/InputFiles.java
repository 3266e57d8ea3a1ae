package org.moespark.corpus;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files behind the {@code --input} paths (files or directories, any Hadoop file system).
 * Listing never fails on one entry: a symlink loop, a broken link, a FIFO or an unlistable
 * directory becomes an {@link InputFile} with a {@code problem}, which ingest turns into a
 * quarantine row. Only a missing or empty {@code --input} fails, before any Spark work.
 */
public final class InputFiles {
  /**
   * One input entry: a file to read (problem null) or one that will not be read, with why.
   *
   * @param path the file as Hadoop prints it (quarantine.source_file, documents.source_file)
   * @param uri the file's URI, for opening it without re-parsing {@code path}
   * @param relative the path below the input root (doc_id of a plain-text document)
   */
  public record InputFile(String path, String uri, String relative, InputFormat format, long length,
      RejectReason problem, String detail) implements Serializable {

    boolean readable() {
      return problem == null;
    }
  }

  private InputFiles() {}

  /**
   * Lists every input, sorted by path.
   *
   * @throws IllegalArgumentException naming the path when an input does not exist or holds no
   *     files, so the command fails in one line before Spark starts
   */
  public static List<InputFile> expand(List<String> inputs, InputFormat forced, Configuration conf) {
    List<InputFile> files = new ArrayList<>();
    for (String input : inputs) {
      Path root = new Path(input);
      int before = files.size();
      try {
        FileSystem fs = root.getFileSystem(conf);
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
          walkLocal(fs.makeQualified(root), forced, files);
        } else {
          listRemote(fs, root, forced, files);
        }
      } catch (FileNotFoundException | NoSuchFileException e) {
        throw new IllegalArgumentException("--input " + input + ": no such file or directory");
      } catch (IOException e) {
        throw new UncheckedIOException("--input " + input + ": " + e.getMessage(), e);
      }
      if (files.size() == before) {
        throw new IllegalArgumentException("--input " + input + ": the directory holds no input "
            + "files (names starting with '_' or '.' are skipped); give a directory with corpus files");
      }
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }

  /**
   * java.nio rather than Hadoop's listing on local disks: Hadoop follows directory links without
   * noticing cycles, so {@code a/up -> ..} made it list forever. Here a directory reached a second
   * time (a loop, or another link to it) is reported once and not descended into.
   */
  private static void walkLocal(Path qualifiedRoot, InputFormat forced, List<InputFile> files)
      throws IOException {
    java.nio.file.Path root = Paths.get(qualifiedRoot.toUri());
    if (!Files.exists(root)) {
      throw new NoSuchFileException(root.toString());
    }
    Map<java.nio.file.Path, java.nio.file.Path> seen = new HashMap<>();
    Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(java.nio.file.Path dir, BasicFileAttributes a)
              throws IOException {
            if (!dir.equals(root) && hidden(dir)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            java.nio.file.Path real = dir.toRealPath();
            java.nio.file.Path first = seen.putIfAbsent(real, dir);
            if (first != null) {
              files.add(problem(root, dir, RejectReason.SYMLINK_LOOP, "links to " + real
                  + ", already listed as " + first + "; not followed"));
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes a) {
            if (hidden(file) && !file.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            if (!a.isRegularFile()) {
              // Reading a FIFO or a device would block or never end.
              files.add(problem(root, file, RejectReason.UNREADABLE_FILE,
                  "not a regular file (a FIFO, socket or device)"));
            } else {
              files.add(local(root, file, forced, a.size()));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(java.nio.file.Path file, IOException e) {
            if (file.equals(root)) {
              throw new UncheckedIOException(e);
            }
            if (!hidden(file)) {
              files.add(e instanceof FileSystemLoopException
                  ? problem(root, file, RejectReason.SYMLINK_LOOP,
                      "links back to a directory above it; not followed")
                  : problem(root, file, RejectReason.UNREADABLE_FILE, e instanceof NoSuchFileException
                      ? "a broken link or a file removed while listing" : String.valueOf(e)));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The Hadoop path of a local file; a directory's URI ends in '/', which is dropped. */
  private static Path hadoopPath(java.nio.file.Path file) {
    URI u = file.toUri();
    String s = u.getPath();
    if (s.length() > 1 && s.endsWith("/")) {
      try {
        u = new URI(u.getScheme(), null, s.substring(0, s.length() - 1), null);
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Path(u);
  }

  private static InputFile local(java.nio.file.Path root, java.nio.file.Path file,
      InputFormat forced, long length) {
    Path p = hadoopPath(file);
    InputFormat format = forced == InputFormat.AUTO ? InputFormat.of(file.getFileName().toString()) : forced;
    String relative = file.equals(root) ? file.getFileName().toString()
        : root.relativize(file).toString().replace('\\', '/');
    return length == 0
        ? new InputFile(p.toString(), p.toUri().toString(), relative, format, 0,
            RejectReason.EMPTY_FILE, "0 bytes")
        : new InputFile(p.toString(), p.toUri().toString(), relative, format, length, null, null);
  }

  private static InputFile problem(java.nio.file.Path root, java.nio.file.Path file,
      RejectReason reason, String detail) {
    Path p = hadoopPath(file);
    return new InputFile(p.toString(), p.toUri().toString(), root.relativize(file).toString(),
        InputFormat.AUTO, 0, reason, detail);
  }

  /** HDFS, S3 and the like have no directory links to loop on; their own listing is used. */
  private static void listRemote(FileSystem fs, Path root, InputFormat forced, List<InputFile> files)
      throws IOException {
    FileStatus st = fs.getFileStatus(root);
    if (st.isFile()) {
      files.add(remote(st, st.getPath().getName(), forced));
      return;
    }
    String rootPath = st.getPath().toString();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      String rel = f.getPath().toString().substring(rootPath.length()).replaceFirst("^/", "");
      if (!hiddenRelative(rel)) {
        files.add(remote(f, rel, forced));
      }
    }
  }

  private static InputFile remote(FileStatus st, String relative, InputFormat forced) {
    InputFormat format = forced == InputFormat.AUTO ? InputFormat.of(st.getPath().getName()) : forced;
    Path p = st.getPath();
    return st.getLen() == 0
        ? new InputFile(p.toString(), p.toUri().toString(), relative, format, 0, RejectReason.EMPTY_FILE, "0 bytes")
        : new InputFile(p.toString(), p.toUri().toString(), relative, format, st.getLen(), null, null);
  }

  /** Spark/Hadoop side files (_SUCCESS, .crc, _temporary) are not input. */
  private static boolean hidden(java.nio.file.Path p) {
    String name = p.getFileName().toString();
    return name.startsWith("_") || name.startsWith(".");
  }

  private static boolean hiddenRelative(String relative) {
    for (String part : relative.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
